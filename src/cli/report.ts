import * as path from "path";
import { parseArgs } from "util";
import { auditCoverage } from "../analysis/audit-coverage";
import { databaseCopies } from "../analysis/export-copies";
import { loadSynthOutput } from "../analysis/synth-output";
import { allChains } from "../report/access-chains";
import { markdown } from "../report/render";
import { applyDeployed } from "../analysis/deployed-values";
import { DEPLOYED_OPTIONS, DEPLOYED_USAGE, readDeployedOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

export const reportCommand: Command = {
  name: "report",
  usage: `cdktf-firestore-identity report  [cdktf.out | cdk.tf.json] [--format markdown|json] [--out FILE] ${DEPLOYED_USAGE}`,
  help: `report   prints who can reach which Firestore database, per environment, who can read the
         buckets that hold its exports, and what each project logs (services, log types,
         exemptions, exclusions) and where it goes. --state and --project-number as for explain.`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, ...DEPLOYED_OPTIONS } });
    const format = checkFormat("report", values.format, ["markdown", "json"]);
    const stacks = applyDeployed(loadSynthOutput(path.resolve(cwd, targetOf("report", positionals))), readDeployedOptions(values, cwd));
    const chains = allChains(stacks);
    const coverage = auditCoverage(stacks);
    const copies = databaseCopies(stacks);
    emit(io, format === "json" ? JSON.stringify({ chains, copies, auditCoverage: coverage }, null, 2) + "\n" : markdown(chains, coverage, copies), values.out, cwd);
    return 0;
  },
};
