import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AccessDecision, AccessSimulator } from "../analysis/access-simulator";
import { FirestoreAccessLevel } from "../gcp/firestore-access";
import { allRuleInfos, evaluate, failures } from "../guardrails/engine";
import { formatJson, formatReport, formatSarif, formatText } from "../guardrails/finding-formats";
import { auditCoverage } from "../analysis/audit-coverage";
import { databaseCopies } from "../analysis/export-copies";
import { loadSynthOutput } from "../analysis/synth-output";
import { allChains } from "./access-chains";
import { markdown } from "./render";

/** Where the CLI writes; tests pass buffers, the bin passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE = `Usage:
  cdktf-firestore-identity check   [cdktf.out | cdk.tf.json] [--format text|json|sarif] [--out FILE] [--no-report]
  cdktf-firestore-identity report  [cdktf.out | cdk.tf.json] [--format markdown|json] [--out FILE]
  cdktf-firestore-identity explain [cdktf.out | cdk.tf.json] (--token CLAIMS.json | --member MEMBER [--group EMAIL... | --no-groups])
                                   --database projects/P/databases/D (--permission P | --access LEVEL)
                                   [--time ISO-8601] [--format text|json]

check    runs every guardrail (cross-stack rules included), prints violations, writes
         <cdktf.out>/guardrails-report.json, and exits 1 on any unsuppressed error.
report   prints who can reach which Firestore database, per environment, who can read the
         buckets that hold its exports, and what each project logs (services, log types,
         exemptions, exclusions) and where it goes.
explain  answers whether Google would allow the token (decoded claims as JSON) or member
         the permission or access level (READ, READ_WRITE, INDEX_ADMIN, IMPORT_EXPORT,
         BACKUP_ADMIN) on the database, with every chain or where each one stopped.
         A member's Google groups are IAM's to know: name them with --group, or say
         --no-groups; otherwise a group binding makes the answer unknown.
         Exits 0 allowed, 1 denied, 3 unknown (cannot be decided offline), 2 bad input.
`;

interface Args {
  command: string;
  target: string;
  format?: string;
  out?: string;
  report: boolean;
  token?: string;
  member?: string;
  /** undefined: membership unknown; []: in no group. */
  groups?: string[];
  database?: string;
  permission?: string;
  access?: string;
  time?: string;
}

function parse(argv: readonly string[]): Args {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string" },
      out: { type: "string" },
      "no-report": { type: "boolean" },
      token: { type: "string" },
      member: { type: "string" },
      group: { type: "string", multiple: true },
      "no-groups": { type: "boolean" },
      database: { type: "string" },
      permission: { type: "string" },
      access: { type: "string" },
      time: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (positionals.length > 2) throw new Error(`unexpected argument ${positionals[2]}`);
  return {
    command: values.help ? "help" : positionals[0] ?? "",
    target: positionals[1] ?? "cdktf.out",
    format: values.format,
    out: values.out,
    report: !values["no-report"],
    token: values.token,
    member: values.member,
    groups: values["no-groups"] ? [] : values.group,
    database: values.database,
    permission: values.permission,
    access: values.access,
    time: values.time,
  };
}

function emit(io: CliIo, text: string, out: string | undefined, cwd: string): void {
  if (out) fs.writeFileSync(path.resolve(cwd, out), text);
  else io.stdout(text);
}

function check(args: Args, io: CliIo, cwd: string): number {
  const format = args.format ?? "text";
  if (!["text", "json", "sarif"].includes(format)) throw new Error(`check: --format must be text, json or sarif, not ${format}`);
  const target = path.resolve(cwd, args.target);
  const stacks = loadSynthOutput(target);
  const findings = evaluate(stacks, { crossStack: true });
  const rules = allRuleInfos();
  if (args.report && fs.statSync(target).isDirectory()) {
    const reportFile = path.join(target, "guardrails-report.json");
    // Written only as a plain file of the output folder, never through a link planted there.
    if (fs.existsSync(reportFile) && fs.lstatSync(reportFile).isSymbolicLink()) throw new Error(`${reportFile}: is a symbolic link; refusing to write through it`);
    fs.writeFileSync(reportFile, formatReport(rules, findings));
  }
  // Code scanning resolves SARIF paths from the repository root, where the command runs.
  const directory = fs.statSync(target).isDirectory();
  const files = new Map(stacks.map((s) => [s.name, path.relative(cwd, directory ? path.join(target, s.file) : target).split(path.sep).join("/")]));
  const text =
    format === "json" ? formatJson(findings) : format === "sarif" ? formatSarif(rules, findings, (s) => files.get(s) ?? s) : formatText(findings);
  emit(io, text, args.out, cwd);
  return failures(findings).length > 0 ? 1 : 0;
}

function report(args: Args, io: CliIo, cwd: string): number {
  const format = args.format ?? "markdown";
  if (!["markdown", "json"].includes(format)) throw new Error(`report: --format must be markdown or json, not ${format}`);
  const stacks = loadSynthOutput(path.resolve(cwd, args.target));
  const chains = allChains(stacks);
  const coverage = auditCoverage(stacks);
  const copies = databaseCopies(stacks);
  emit(io, format === "json" ? JSON.stringify({ chains, copies, auditCoverage: coverage }, null, 2) + "\n" : markdown(chains, coverage, copies), args.out, cwd);
  return 0;
}

const EXIT_CODES: Record<AccessDecision, number> = { [AccessDecision.ALLOWED]: 0, [AccessDecision.DENIED]: 1, [AccessDecision.UNKNOWN]: 3 };

function explain(args: Args, io: CliIo, cwd: string): number {
  const format = args.format ?? "text";
  if (!["text", "json"].includes(format)) throw new Error(`explain: --format must be text or json, not ${format}`);
  if (!args.database) throw new Error("explain: --database projects/PROJECT_ID/databases/DATABASE_ID is required");
  let token: { [claim: string]: unknown } | undefined;
  if (args.token !== undefined) {
    const file = path.resolve(cwd, args.token);
    try {
      token = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`explain: --token ${args.token}: cannot read the decoded claims as JSON (${(e as Error).message})`);
    }
  }
  if (args.access !== undefined && !(Object.values(FirestoreAccessLevel) as string[]).includes(args.access)) {
    throw new Error(`explain: --access must be one of ${Object.values(FirestoreAccessLevel).join(", ")}, not ${args.access}`);
  }
  const simulator = AccessSimulator.fromSynthOutput(path.resolve(cwd, args.target));
  const answer = simulator.explain({
    token,
    member: args.member,
    groups: args.groups,
    database: args.database,
    permission: args.permission,
    access: args.access as FirestoreAccessLevel | undefined,
    time: args.time,
  });
  if (format === "json") {
    emit(io, JSON.stringify(answer, null, 2) + "\n", args.out, cwd);
  } else {
    const lines = [`${answer.decision.toUpperCase()}: ${answer.permissions.join(", ")} on ${args.database}`];
    answer.chains.forEach((c, i) => {
      lines.push("", `chain ${i + 1}${c.decision === AccessDecision.ALLOWED ? "" : " (unknown)"}: ${c.permissions.join(", ")}`);
      for (const s of c.steps) lines.push(`  - ${s.description}${s.address ? `\n      ${s.stack}: ${s.address}` : ""}`);
      for (const u of c.unknowns) lines.push(`  ? ${u}`);
    });
    if (answer.reasons.length > 0) lines.push("", answer.decision === AccessDecision.DENIED ? "why not:" : "what cannot be decided offline:", ...answer.reasons.map((r) => `  - ${r}`));
    emit(io, lines.join("\n") + "\n", args.out, cwd);
  }
  return EXIT_CODES[answer.decision];
}

/**
 * Runs the CLI in-process and returns the exit code: 0 ok, 1 guardrail errors (explain:
 * denied), 2 usage or input errors, 3 explain could not decide offline.
 */
export function main(argv: readonly string[], io: CliIo = processIo, cwd: string = process.cwd()): number {
  try {
    const args = parse(argv);
    if (args.command === "check") return check(args, io, cwd);
    if (args.command === "report") return report(args, io, cwd);
    if (args.command === "explain") return explain(args, io, cwd);
    if (args.command === "help") {
      io.stdout(USAGE);
      return 0;
    }
    io.stderr(args.command === "" ? USAGE : `unknown command ${args.command}\n\n${USAGE}`);
    return 2;
  } catch (e) {
    // parseArgs names the bad option; a stack overflow means input nested deeper than any synth writes.
    const message = e instanceof RangeError ? `the input is nested too deeply to be Terraform JSON (${e.message})` : (e as Error).message;
    const usage = (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? `\n${USAGE}` : "";
    io.stderr(`cdktf-firestore-identity: ${message}\n${usage}`);
    return 2;
  }
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
