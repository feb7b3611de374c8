import * as path from "path";
import { parseArgs } from "util";
import { DeployedOptions } from "../report/iam-drift";
import { AccessReport } from "../report/access-report";
import { extendOptions } from "../analysis/deployed-values";
import { DEPLOYED_OPTIONS, DEPLOYED_USAGE, POLICY_OPTIONS, POLICY_USAGE, readDeployedOptions, readPolicyOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";
import { reportWithUsage } from "./report-usage";

export const reportCommand: Command = {
  name: "report",
  usage: `cdktf-firestore-identity report  [cdktf.out | cdk.tf.json] [--format markdown|json] [--out FILE] [--logs FILE… --since ISO --until ISO]
                                   ${DEPLOYED_USAGE} ${POLICY_USAGE}`,
  help: `report   prints who can reach which Firestore database, per environment, who can read the
         buckets that hold its exports, and what each project logs (services, log types,
         exemptions, exclusions) and where it goes. With --logs (see usage), the table
         gains a "Used in the window" column. --state and --project-number as for
         explain; with them or --policy/--assets (as for drift) a Deployed section says what
         the live policies add to or remove from the declared access.`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, ...DEPLOYED_OPTIONS, ...POLICY_OPTIONS } });
    const format = checkFormat("report", values.format, ["markdown", "json"]);
    const { policies, assets } = readPolicyOptions(values, cwd);
    const options = extendOptions<DeployedOptions>(readDeployedOptions(values, cwd), { policies, assets });
    // The same report as the API's: escalation paths, and the Deployed section when states or policies are given.
    const report = AccessReport.fromSynthOutput(path.resolve(cwd, targetOf("report", positionals)), options);
    emit(io, format === "json" ? report.toJson() : report.toMarkdown(), values.out, cwd);
    return 0;
  },
  runAsync: (argv, io, cwd) => reportWithUsage(argv, io, cwd, reportCommand.run),
};
