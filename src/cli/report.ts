import * as path from "path";
import { parseArgs } from "util";
import { AccessReport } from "../report/access-report";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";
import { reportWithUsage } from "./report-usage";

export const reportCommand: Command = {
  name: "report",
  usage: "cdktf-firestore-identity report  [cdktf.out | cdk.tf.json] [--format markdown|json] [--out FILE] [--logs FILE… --since ISO --until ISO]",
  help: `report   prints who can reach which Firestore database, per environment, who can read the
         buckets that hold its exports, and what each project logs (services, log types,
         exemptions, exclusions) and where it goes. With --logs (see usage), the table
         gains a "Used in the window" column.`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS } });
    const format = checkFormat("report", values.format, ["markdown", "json"]);
    // The same report as the API's, escalation paths included.
    const report = AccessReport.fromSynthOutput(path.resolve(cwd, targetOf("report", positionals)));
    emit(io, format === "json" ? report.toJson() : report.toMarkdown(), values.out, cwd);
    return 0;
  },
  runAsync: (argv, io, cwd) => reportWithUsage(argv, io, cwd, reportCommand.run),
};
