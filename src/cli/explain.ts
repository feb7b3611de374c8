import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AccessDecision, AccessSimulator } from "../analysis/access-simulator";
import { FirestoreAccessLevel } from "../gcp/firestore-access";
import { DEPLOYED_HELP, DEPLOYED_OPTIONS, DEPLOYED_USAGE, readDeployedOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

const EXIT_CODES: Record<AccessDecision, number> = { [AccessDecision.ALLOWED]: 0, [AccessDecision.DENIED]: 1, [AccessDecision.UNKNOWN]: 3 };

export const explainCommand: Command = {
  name: "explain",
  usage: `cdktf-firestore-identity explain [cdktf.out | cdk.tf.json] (--token CLAIMS.json | --member MEMBER [--group EMAIL... | --no-groups])
                                   --database projects/P/databases/D (--permission P | --access LEVEL)
                                   [--time ISO-8601] [--format text|json]
                                   ${DEPLOYED_USAGE}`,
  help: `explain  answers whether Google would allow the token (decoded claims as JSON) or member
         the permission or access level (READ, READ_WRITE, INDEX_ADMIN, IMPORT_EXPORT,
         BACKUP_ADMIN) on the database, with every chain or where each one stopped.
         A member's Google groups are IAM's to know: name them with --group, or say
         --no-groups; otherwise a group binding makes the answer unknown.
         Exits 0 allowed, 1 denied, 3 unknown (cannot be decided offline), 2 bad input.
         ${DEPLOYED_HELP}`,
  run(argv: readonly string[], io: CliIo, cwd: string): number {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...COMMON_OPTIONS,
        ...DEPLOYED_OPTIONS,
        token: { type: "string" },
        member: { type: "string" },
        group: { type: "string", multiple: true },
        "no-groups": { type: "boolean" },
        database: { type: "string" },
        permission: { type: "string" },
        access: { type: "string" },
        time: { type: "string" },
      },
    });
    const format = checkFormat("explain", values.format, ["text", "json"]);
    const target = targetOf("explain", positionals);
    if (!values.database) throw new Error("explain: --database projects/PROJECT_ID/databases/DATABASE_ID is required");
    let token: { [claim: string]: unknown } | undefined;
    if (values.token !== undefined) {
      const file = path.resolve(cwd, values.token);
      try {
        token = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (e) {
        throw new Error(`explain: --token ${values.token}: cannot read the decoded claims as JSON (${(e as Error).message})`);
      }
    }
    if (values.access !== undefined && !(Object.values(FirestoreAccessLevel) as string[]).includes(values.access)) {
      throw new Error(`explain: --access must be one of ${Object.values(FirestoreAccessLevel).join(", ")}, not ${values.access}`);
    }
    const simulator = AccessSimulator.fromSynthOutput(path.resolve(cwd, target), readDeployedOptions(values, cwd));
    const answer = simulator.explain({
      token,
      member: values.member,
      groups: values["no-groups"] ? [] : values.group,
      database: values.database,
      permission: values.permission,
      access: values.access as FirestoreAccessLevel | undefined,
      time: values.time,
    });
    if (format === "json") {
      emit(io, JSON.stringify(answer, null, 2) + "\n", values.out, cwd);
    } else {
      const lines = [`${answer.decision.toUpperCase()}: ${answer.permissions.join(", ")} on ${values.database}`];
      answer.chains.forEach((c, i) => {
        lines.push("", `chain ${i + 1}${c.decision === AccessDecision.ALLOWED ? "" : " (unknown)"}: ${c.permissions.join(", ")}`);
        for (const s of c.steps) lines.push(`  - ${s.description}${s.address ? `\n      ${s.stack}: ${s.address}` : ""}`);
        for (const u of c.unknowns) lines.push(`  ? ${u}`);
      });
      if (answer.reasons.length > 0) lines.push("", answer.decision === AccessDecision.DENIED ? "why not:" : "what cannot be decided offline:", ...answer.reasons.map((r) => `  - ${r}`));
      emit(io, lines.join("\n") + "\n", values.out, cwd);
    }
    return EXIT_CODES[answer.decision];
  },
};
