import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { loadSynthOutput } from "../analysis/synth-output";
import { extendOptions } from "../analysis/deployed-values";
import { DeployedOptions, IamDriftReport } from "../report/iam-drift-report";
import { DEPLOYED_OPTIONS, DEPLOYED_USAGE, POLICY_OPTIONS, readDeployedOptions, readPolicyOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

export const driftCommand: Command = {
  name: "drift",
  usage: `cdktf-firestore-identity drift   [cdktf.out | cdk.tf.json] (--policy RESOURCE=FILE... | --assets FILE)
                                   [--format text|json|sarif] [--out FILE]
                                   ${DEPLOYED_USAGE}`,
  help: `drift    compares live IAM policies with what the code declares: members added by hand on
         roles that reach Firestore data, act as service accounts, administer pools or
         providers or change IAM policy; declared bindings missing; conditions changed;
         audit logging turned down or exemptions added. RESOURCE is projects/PROJECT
         (gcloud projects get-iam-policy PROJECT --format=json), serviceAccounts/EMAIL
         (gcloud iam service-accounts get-iam-policy EMAIL --format=json) or buckets/NAME
         (gcloud storage buckets get-iam-policy gs://NAME --format=json); --assets takes
         gcloud asset export --content-type=iam-policy output. Exits 0 no drift, 1 drift,
         2 bad input (a version-1 policy that hides conditions included).`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...COMMON_OPTIONS, ...DEPLOYED_OPTIONS, ...POLICY_OPTIONS },
    });
    const format = checkFormat("drift", values.format, ["text", "json", "sarif"]);
    const target = path.resolve(cwd, targetOf("drift", positionals));
    const { policies, assets, sourceOf } = readPolicyOptions(values, cwd);
    if (Object.keys(policies).length === 0 && assets === undefined) throw new Error("drift: give at least one --policy RESOURCE=FILE or --assets FILE");
    const deployed = readDeployedOptions(values, cwd);
    const stacks = loadSynthOutput(target);
    const report = IamDriftReport._fromStacks(stacks, extendOptions<DeployedOptions>(deployed, { policies, assets }), sourceOf);
    // Code scanning resolves SARIF paths from the repository root, where the command runs.
    const directory = fs.statSync(target).isDirectory() ? target : path.dirname(target);
    const text = format === "json" ? report.toJson() : format === "sarif" ? report.toSarif(path.relative(cwd, directory).split(path.sep).join("/")) : report.toText();
    emit(io, text, values.out, cwd);
    return report.findings.length > 0 ? 1 : 0;
  },
};
