import * as fs from "fs";
import * as path from "path";
import { allRuleInfos, evaluate, failures } from "../guardrails/engine";
import { formatJson, formatReport, formatSarif, formatText } from "../guardrails/finding-formats";
import { loadSynthOutput } from "../analysis/synth-output";
import { allChains } from "./access-chains";
import { markdown } from "./render";

/** Where the CLI writes; tests pass buffers, the bin passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE = `Usage:
  cdktf-firestore-identity check  [cdktf.out | cdk.tf.json] [--format text|json|sarif] [--out FILE] [--no-report]
  cdktf-firestore-identity report [cdktf.out | cdk.tf.json] [--format markdown|json] [--out FILE]

check   runs every guardrail (cross-stack rules included), prints violations, writes
        <cdktf.out>/guardrails-report.json, and exits 1 on any unsuppressed error.
report  prints who can reach which Firestore database, per environment.
`;

interface Args {
  command: string;
  target: string;
  format?: string;
  out?: string;
  report: boolean;
}

function parse(argv: readonly string[]): Args {
  const positional: string[] = [];
  const args: Args = { command: "", target: "cdktf.out", report: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--format" || a.startsWith("--format=")) args.format = value();
    else if (a === "--out" || a.startsWith("--out=")) args.out = value();
    else if (a === "--no-report") args.report = false;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length > 2) throw new Error(`unexpected argument ${positional[2]}`);
  args.command = positional[0] ?? "";
  if (positional[1]) args.target = positional[1];
  return args;
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
  if (args.report && fs.statSync(target).isDirectory()) fs.writeFileSync(path.join(target, "guardrails-report.json"), formatReport(rules, findings));
  const files = new Map(stacks.map((s) => [s.name, s.file]));
  const text =
    format === "json" ? formatJson(findings) : format === "sarif" ? formatSarif(rules, findings, (s) => files.get(s) ?? s) : formatText(findings);
  emit(io, text, args.out, cwd);
  return failures(findings).length > 0 ? 1 : 0;
}

function report(args: Args, io: CliIo, cwd: string): number {
  const format = args.format ?? "markdown";
  if (!["markdown", "json"].includes(format)) throw new Error(`report: --format must be markdown or json, not ${format}`);
  const chains = allChains(loadSynthOutput(path.resolve(cwd, args.target)));
  emit(io, format === "json" ? JSON.stringify({ chains }, null, 2) + "\n" : markdown(chains), args.out, cwd);
  return 0;
}

/**
 * Runs the CLI in-process and returns the exit code: 0 ok, 1 guardrail errors, 2 usage
 * or input errors.
 */
export function main(argv: readonly string[], io: CliIo = processIo, cwd: string = process.cwd()): number {
  try {
    const args = parse(argv);
    if (args.command === "check") return check(args, io, cwd);
    if (args.command === "report") return report(args, io, cwd);
    io.stderr(args.command === "" || args.command === "help" ? USAGE : `unknown command ${args.command}\n\n${USAGE}`);
    return 2;
  } catch (e) {
    io.stderr(`cdktf-firestore-identity: ${(e as Error).message}\n`);
    return 2;
  }
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
