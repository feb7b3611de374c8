import { Parser } from "node-sql-parser";
import { usageSql } from "./src/report/usage-sql";
const sql = usageSql("acme-audit.firestore_audit", { since: new Date("2026-11-01T00:00:00Z"), until: new Date("2026-12-01T00:00:00Z") });
const p = new Parser();
try {
  const { tableList, columnList } = p.parse(sql, { database: "bigquery" });
  console.log(tableList, columnList);
} catch (e) { console.log(String(e).slice(0, 500)); }
