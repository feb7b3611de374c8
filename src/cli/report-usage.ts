import * as path from "path";
import { parseArgs } from "util";
import { AccessReport } from "../report/access-report";
import { UsageReport } from "../report/usage-report";
import { extendOptions } from "../analysis/deployed-values";
import { DeployedOptions } from "../report/iam-drift";
import { DEPLOYED_OPTIONS, POLICY_OPTIONS, readDeployedOptions, readPolicyOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, emit, targetOf } from "./io";
import { expandLogs, readableFile, simulatorOf } from "./usage";

/**
 * `report … --logs FILE… --since ISO --until ISO`: the access report with a "Used in the
 * window" column, from the same logs `usage` reads. Without --logs, the plain report.
 */
export async function reportWithUsage(argv: readonly string[], io: CliIo, cwd: string, plain: (argv: readonly string[], io: CliIo, cwd: string) => number): Promise<number> {
  if (!argv.includes("--logs")) return plain(argv, io, cwd);
  const options = { ...COMMON_OPTIONS, ...DEPLOYED_OPTIONS, ...POLICY_OPTIONS, logs: { type: "string", multiple: true }, since: { type: "string" }, until: { type: "string" } } as const;
  const { values, positionals } = parseArgs({ args: expandLogs(argv), allowPositionals: true, strict: true, options });
  if (values.format !== undefined && values.format !== "markdown") throw new Error(`report --logs: the "Used in the window" column is in the Markdown report; --format ${values.format} is not available with --logs (usage --format json has the same data)`);
  if (values.since === undefined || values.until === undefined) throw new Error("report --logs: --since and --until are required (ISO 8601)");
  const target = path.resolve(cwd, targetOf("report", positionals));
  const files = values.logs!.map((f) => readableFile(cwd, f, "--logs"));
  const usage = await UsageReport.fromLogFiles(simulatorOf(cwd, target, values), files, { since: values.since, until: values.until });
  const { policies, assets } = readPolicyOptions(values, cwd);
  const report = AccessReport.fromSynthOutput(target, extendOptions<DeployedOptions>(readDeployedOptions(values, cwd), { policies, assets }));
  emit(io, report.toMarkdown(usage), values.out, cwd);
  return 0;
}
