import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { loadSynthOutput } from "../analysis/synth-output";
import { allRuleInfos, evaluate, failures } from "../guardrails/engine";
import { formatJson, formatReport, formatSarif, formatText } from "../guardrails/finding-formats";
import { applyDeployed } from "../analysis/deployed-values";
import { DEPLOYED_OPTIONS, DEPLOYED_USAGE, readDeployedOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

export const checkCommand: Command = {
  name: "check",
  usage: `cdktf-firestore-identity check   [cdktf.out | cdk.tf.json] [--format text|json|sarif] [--out FILE] [--no-report]
                                   ${DEPLOYED_USAGE}`,
  help: `check    runs every guardrail (cross-stack rules included), prints violations, writes
         <cdktf.out>/guardrails-report.json, and exits 1 on any unsuppressed error.
         --state and --project-number as for explain: messages name what is deployed.`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...COMMON_OPTIONS, ...DEPLOYED_OPTIONS, "no-report": { type: "boolean" } },
    });
    const format = checkFormat("check", values.format, ["text", "json", "sarif"]);
    const target = path.resolve(cwd, targetOf("check", positionals));
    const stacks = applyDeployed(loadSynthOutput(target), readDeployedOptions(values, cwd));
    const findings = evaluate(stacks, { crossStack: true });
    const rules = allRuleInfos();
    const directory = fs.statSync(target).isDirectory();
    if (!values["no-report"] && directory) {
      const reportFile = path.join(target, "guardrails-report.json");
      // Written only as a plain file of the output folder, never through a link planted there.
      if (fs.existsSync(reportFile) && fs.lstatSync(reportFile).isSymbolicLink()) throw new Error(`${reportFile}: is a symbolic link; refusing to write through it`);
      fs.writeFileSync(reportFile, formatReport(rules, findings));
    }
    // Code scanning resolves SARIF paths from the repository root, where the command runs.
    const files = new Map(stacks.map((s) => [s.name, path.relative(cwd, directory ? path.join(target, s.file) : target).split(path.sep).join("/")]));
    const text = format === "json" ? formatJson(findings) : format === "sarif" ? formatSarif(rules, findings, (s) => files.get(s) ?? s) : formatText(findings);
    emit(io, text, values.out, cwd);
    return failures(findings).length > 0 ? 1 : 0;
  },
};
