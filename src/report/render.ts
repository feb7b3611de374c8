import { ProjectAuditCoverage } from "../analysis/audit-coverage";
import { DatabaseCopy } from "../analysis/export-copies";
import { AccessChain, sortEnvironments } from "./access-chains";
import { EscalationPath } from "./escalation-paths";

function cell(value: string): string {
  return value === "" ? "-" : value.replace(/\|/g, "\\|");
}

function label(value: string): string {
  return `"${value.replace(/"/g, "#quot;")}"`;
}

/** Short database label: `PROJECT/DATABASE`. */
export function databaseLabel(database: string): string {
  const m = /^projects\/([^/]+)\/databases\/(.+)$/.exec(database);
  return m ? `${m[1]}/${m[2]}` : database;
}

function identityLabel(c: AccessChain): string {
  return c.issuer ? `${c.issuer}: ${c.identity}` : c.identity;
}

/** A Mermaid flowchart of the chains: identity -> service account -> database, edges labelled with path and role. */
export function mermaid(chains: readonly AccessChain[]): string {
  const ids = new Map<string, string>();
  const lines = ["flowchart LR"];
  const node = (key: string, text: string, shape: "box" | "round" | "db") => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size + 1}`;
      ids.set(key, id);
      const l = label(text);
      lines.push(`  ${id}${shape === "db" ? `[(${l})]` : shape === "round" ? `(${l})` : `[${l}]`}`);
    }
    return id;
  };
  const edges = new Set<string>();
  const edge = (from: string, text: string, to: string) => {
    const e = `  ${from} -->|${label(text)}| ${to}`;
    if (!edges.has(e)) {
      edges.add(e);
      lines.push(e);
    }
  };
  for (const c of chains) {
    const who = node(`id:${identityLabel(c)}`, identityLabel(c), "round");
    const db = node(`db:${c.database}`, databaseLabel(c.database), "db");
    if (c.serviceAccount && c.serviceAccount !== c.identity.replace(/^serviceAccount:/, "")) {
      const sa = node(`sa:${c.serviceAccount}`, c.serviceAccount, "box");
      edge(who, c.accessPath, sa);
      edge(sa, c.role, db);
    } else {
      edge(who, `${c.accessPath}: ${c.role}`, db);
    }
  }
  return lines.join("\n");
}

function exclusionLines(indent: string, heading: string, exclusions: ProjectAuditCoverage["defaultSinkExclusions"]): string[] {
  if (exclusions.length === 0) return [];
  return [`${indent}- ${heading}`, ...exclusions.map((e) => `${indent}  - \`${e.name}\`: ${e.description || "(no reason given)"}; filter \`${e.filter}\``)];
}

/**
 * What each project logs and where it goes: a table of audit configs, then each sink with
 * the services it exports and what it leaves out. A project with Firestore grants and no
 * audit config is listed too, as not logged.
 */
export function auditCoverageMarkdown(coverage: readonly ProjectAuditCoverage[], grantedProjects: readonly string[] = []): string[] {
  const projects = [...new Set([...coverage.map((c) => c.project), ...grantedProjects])].sort();
  if (projects.length === 0) return [];
  const out = ["## Audit coverage", ""];
  for (const project of projects) {
    const c = coverage.find((x) => x.project === project) ?? { project, services: [], exports: [], defaultSinkExclusions: [] };
    out.push(`### ${project || "(provider default project)"}`, "");
    if (c.services.length === 0) {
      out.push("No Data Access audit config: reads and writes of its data are not logged.", "");
    } else {
      out.push("| Service | Data Access log types | Exempted principals | Stack |", "| --- | --- | --- | --- |");
      for (const s of c.services) out.push(`| ${[s.service, s.logTypes.join(", "), s.exemptedMembers.join(", "), s.stack].map(cell).join(" | ")} |`);
      out.push("");
    }
    if (c.exports.length === 0 && c.services.length > 0) out.push("Not exported: entries stay in the project's _Default log bucket only, for that bucket's retention.");
    for (const e of c.exports) {
      const what = e.services.length > 0 ? `entries of ${e.services.join(", ")}` : `entries matching \`${e.filter}\``;
      out.push(`- sink \`${e.sink}\` (${e.stack}) sends ${what} to \`${e.destination}\``);
      out.push(...exclusionLines("  ", "left out of this export:", e.exclusions));
    }
    out.push(...exclusionLines("", "left out of the _Default log bucket (so stored nowhere in this project; aggregated sinks above it still see them):", c.defaultSinkExclusions));
    out.push("");
  }
  return out;
}

/**
 * Buckets that hold exports of a database, each with the principals that can read its
 * objects: whoever reads an export reads the database's data as of that export.
 */
export function copiesMarkdown(copies: readonly DatabaseCopy[]): string[] {
  if (copies.length === 0) return [];
  const out = [
    "## Copies of the data",
    "",
    "Whoever can read an export reads the database's documents as of that export, whatever their Firestore grants.",
    "Besides the grants listed, Cloud Storage gives every new bucket's project owners and editors (and, by default, viewers) access through its convenience bindings (projectOwner, projectEditor, projectViewer), and the project's Firestore service agent reads and writes exports.",
    "",
  ];
  for (const c of copies) {
    out.push(`### ${c.location}: exports of ${databaseLabel(c.database)}`, "");
    if (c.readers.length === 0) {
      out.push(`No grant in these stacks lets anyone else read it (${c.stack}: ${c.address}); grants made elsewhere (folder, organization, console) are not seen here.`, "");
      continue;
    }
    out.push("| Who can read it | Role | Granted on | Condition | Stack |", "| --- | --- | --- | --- | --- |");
    for (const r of c.readers) {
      out.push(`| ${[r.member, r.uncertain ? `${r.role} (permissions unknown here)` : r.role, r.grantedOn, r.condition ?? "", r.stack].map(cell).join(" | ")} |`);
    }
    out.push("");
  }
  return out;
}

/**
 * Identities that reach a database without a grant of their own, by an escalation step;
 * omitted when there are none.
 */
export function escalationsMarkdown(paths: readonly EscalationPath[]): string[] {
  if (paths.length === 0) return [];
  const out = [
    "## Escalation paths",
    "",
    "Who can reach a database by escalating rather than through a grant of their own: deploying code as an account they may actAs, creating pods as a GKE project's Kubernetes service accounts, editing an IAM policy, or creating a key. Each row is the first step; `explain` follows a path to any depth.",
    "",
    "| Environment | Identity | Issuer | Escalation | Through | Service account | Firestore database | Role | What it can do |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const p of paths) {
    const how = p.decided ? p.how : `${p.how} (not decided offline)`;
    out.push(`| ${[p.environment, p.identity, p.issuer, how, p.bindings.join(", "), p.serviceAccount, databaseLabel(p.database), p.role, p.canDo].map(cell).join(" | ")} |`);
  }
  out.push("");
  return out;
}

/** Per environment: a Markdown table of the chains and the same chains as a Mermaid diagram; then escalation paths, copies and audit coverage. */
export function markdown(
  chains: readonly AccessChain[],
  coverage: readonly ProjectAuditCoverage[] = [],
  copies: readonly DatabaseCopy[] = [],
  escalations: readonly EscalationPath[] = [],
  /** When logs were read: what the window shows of each chain's grant (the "Used in the window" column). */
  usedInWindow?: (chain: AccessChain) => string,
): string {
  const out = ["# Firestore access report", ""];
  const envs = sortEnvironments(chains.map((c) => c.environment));
  if (envs.length === 0) out.push("No Firestore grants found.", "");
  for (const env of envs) {
    const rows = chains.filter((c) => c.environment === env);
    out.push(`## ${env}`, "");
    const used = usedInWindow ? " Used in the window |" : "";
    out.push(`| External identity | Issuer | How it gets in | Service account | Firestore database | Role | What it can do | Stack |${used}`);
    out.push(`| --- | --- | --- | --- | --- | --- | --- | --- |${usedInWindow ? " --- |" : ""}`);
    for (const c of rows) {
      const cells = [c.identity, c.issuer, c.accessPath, c.serviceAccount, databaseLabel(c.database), c.role, c.canDo, c.stack, ...(usedInWindow ? [usedInWindow(c)] : [])];
      out.push(`| ${cells.map(cell).join(" | ")} |`);
    }
    out.push("", "```mermaid", mermaid(rows), "```", "");
  }
  out.push(...escalationsMarkdown(escalations));
  out.push(...copiesMarkdown(copies));
  out.push(...auditCoverageMarkdown(coverage, [...new Set(chains.map((c) => c.project))]));
  return out.join("\n");
}
