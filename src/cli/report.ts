import * as path from "path";
import { parseArgs } from "util";
import { auditCoverage } from "../analysis/audit-coverage";
import { databaseCopies } from "../analysis/export-copies";
import { loadSynthOutput } from "../analysis/synth-output";
import { allChains } from "../report/access-chains";
import { markdown } from "../report/render";
import { applyDeployed, extendOptions } from "../analysis/deployed-values";
import { deployedMarkdown, deployedSection } from "../report/deployed-section";
import { DeployedOptions } from "../report/iam-drift";
import { DEPLOYED_OPTIONS, DEPLOYED_USAGE, POLICY_OPTIONS, POLICY_USAGE, readDeployedOptions, readPolicyOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

export const reportCommand: Command = {
  name: "report",
  usage: `cdktf-firestore-identity report  [cdktf.out | cdk.tf.json] [--format markdown|json] [--out FILE]
                                   ${DEPLOYED_USAGE} ${POLICY_USAGE}`,
  help: `report   prints who can reach which Firestore database, per environment, who can read the
         buckets that hold its exports, and what each project logs (services, log types,
         exemptions, exclusions) and where it goes. --state and --project-number as for
         explain; with them or --policy/--assets (as for drift) a Deployed section says what
         the live policies add to or remove from the declared access.`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, ...DEPLOYED_OPTIONS, ...POLICY_OPTIONS } });
    const format = checkFormat("report", values.format, ["markdown", "json"]);
    const { policies, assets } = readPolicyOptions(values, cwd);
    const options = extendOptions<DeployedOptions>(readDeployedOptions(values, cwd), { policies, assets });
    const stacks = applyDeployed(loadSynthOutput(path.resolve(cwd, targetOf("report", positionals))), options);
    const chains = allChains(stacks);
    const coverage = auditCoverage(stacks);
    const copies = databaseCopies(stacks);
    const given = Object.keys(options.states ?? {}).length + Object.keys(policies).length > 0 || assets !== undefined;
    const deployed = given ? deployedSection(stacks, options) : [];
    const json = { chains, copies, auditCoverage: coverage, ...(deployed.length > 0 ? { deployed } : {}) };
    const md = markdown(chains, coverage, copies) + (deployed.length > 0 ? `\n${deployedMarkdown(deployed)}` : "");
    emit(io, format === "json" ? JSON.stringify(json, null, 2) + "\n" : md, values.out, cwd);
    return 0;
  },
};
