import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AccessSimulator } from "../analysis/access-simulator";
import { UsageReport } from "../report/usage-report";
import { windowOf } from "../report/usage-observations";
import { usageSql } from "../report/usage-sql";
import { DEPLOYED_HELP, DEPLOYED_OPTIONS, DEPLOYED_USAGE, DeployedValues, readDeployedOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...DEPLOYED_OPTIONS,
  logs: { type: "string", multiple: true },
  since: { type: "string" },
  until: { type: "string" },
  "emit-sql": { type: "boolean" },
  dataset: { type: "string" },
  aggregates: { type: "string" },
} as const;

interface Parsed {
  readonly target: string;
  readonly values: DeployedValues & { logs?: string[]; since?: string; until?: string; "emit-sql"?: boolean; dataset?: string; aggregates?: string; format?: string; out?: string };
}

/** `--logs A B C` (the shell expands a glob to several files) → `--logs A --logs B --logs C`, which parseArgs reads. */
export function expandLogs(argv: readonly string[]): string[] {
  const out: string[] = [];
  let inLogs = false;
  for (const a of argv) {
    if (a === "--logs") inLogs = true;
    else if (a.startsWith("-")) inLogs = false;
    else if (inLogs && out[out.length - 1] !== "--logs") out.push("--logs");
    out.push(a);
  }
  return out;
}

function parse(argv: readonly string[]): Parsed {
  const { values, positionals } = parseArgs({ args: expandLogs(argv), allowPositionals: true, strict: true, options: OPTIONS });
  const target = targetOf("usage", positionals);
  if (values.since === undefined || values.until === undefined) throw new Error("usage: --since and --until are required (ISO 8601, e.g. --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z)");
  windowOf(values.since, values.until, "usage");
  const modes = [values.logs !== undefined, values["emit-sql"] === true, values.aggregates !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new Error("usage: give exactly one of --logs FILE…, --emit-sql --dataset PROJECT.DATASET, or --aggregates FILE");
  if (values["emit-sql"] && values.dataset === undefined) throw new Error("usage --emit-sql: --dataset PROJECT_ID.DATASET_ID is required (the sink's BigQuery dataset)");
  if (!values["emit-sql"] && values.dataset !== undefined) throw new Error("usage: --dataset goes with --emit-sql");
  return { target, values };
}

export function readableFile(cwd: string, file: string, what: string): string {
  const full = path.resolve(cwd, file);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) throw new Error(`usage: ${what} ${file}: no such file`);
  return full;
}

function print(report: UsageReport, format: string, io: CliIo, out: string | undefined, cwd: string): number {
  const text = format === "json" ? report.toJson() : format === "markdown" ? report.toMarkdown() : report.toText();
  emit(io, text, out, cwd);
  return report.hasFindings ? 1 : 0;
}

/**
 * The simulator of the stacks the logs are judged against, with what is deployed
 * (`--state STACK=FILE`, `--project-number P=N`) resolving the references: the logs name
 * projects by number and accounts by email, which the synthesized JSON often cannot.
 */
export function simulatorOf(cwd: string, target: string, deployed: DeployedValues): AccessSimulator {
  return AccessSimulator.fromSynthOutput(path.resolve(cwd, target), readDeployedOptions(deployed, cwd));
}

/** The synchronous part: --emit-sql and --aggregates read no log files. */
function runSync(p: Parsed, io: CliIo, cwd: string): number | undefined {
  const { values } = p;
  const window = { since: values.since!, until: values.until! };
  if (values["emit-sql"]) {
    emit(io, usageSql(values.dataset!, windowOf(window.since, window.until, "usage")), values.out, cwd);
    return 0;
  }
  const format = checkFormat("usage", values.format, ["text", "markdown", "json"]);
  if (values.aggregates !== undefined) {
    const simulator = simulatorOf(cwd, p.target, values);
    const text = fs.readFileSync(readableFile(cwd, values.aggregates, "--aggregates"), "utf8");
    return print(UsageReport.fromAggregates(simulator, text, window), format, io, values.out, cwd);
  }
  return undefined;
}

export const usageCommand: Command = {
  name: "usage",
  usage:
    `cdktf-firestore-identity usage   [cdktf.out | cdk.tf.json] --since ISO --until ISO (--logs FILE… | --emit-sql --dataset PROJECT.DATASET | --aggregates FILE) [--format text|markdown|json] [--out FILE]
                                   ${DEPLOYED_USAGE}`,
  help: `usage    reads the audit logs this library routes (gcloud logging read --format=json, Cloud
         Storage sink files with one entry per line, bq query --format=json rows; gzip'd
         too) and reports, per environment and database, which declared grants were used,
         which permissions never were, the narrowest access level that covers the use,
         callers no declared chain explains, and denied attempts. --emit-sql prints one
         BigQuery query over the sink's tables; --aggregates reads its result. Exit 1 when
         a grant is unused or could be narrower, or a caller is unexpected.
         ${DEPLOYED_HELP}`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const p = parse(argv);
    const code = runSync(p, io, cwd);
    if (code !== undefined) return code;
    throw new Error("usage --logs streams the log files: run it through the cdktf-firestore-identity command (runCli)");
  },
  async runAsync(argv: readonly string[], io: CliIo, cwd: string): Promise<number> {
    const p = parse(argv);
    const code = runSync(p, io, cwd);
    if (code !== undefined) return code;
    const format = checkFormat("usage", p.values.format, ["text", "markdown", "json"]);
    const files = p.values.logs!.map((f) => readableFile(cwd, f, "--logs"));
    const simulator = simulatorOf(cwd, p.target, p.values);
    const report = await UsageReport.fromLogFiles(simulator, files, { since: p.values.since!, until: p.values.until! });
    return print(report, format, io, p.values.out, cwd);
  },
};
