import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AccessRequest, validateRequest } from "../analysis/access-request";
import { AccessDecision, AccessExplanation, AccessSimulator, AccessStepKind } from "../analysis/access-simulator";
import { FirestoreAccessLevel } from "../gcp/firestore-access";
import { show } from "../core/validate";
import { DEPLOYED_HELP, DEPLOYED_OPTIONS, DEPLOYED_USAGE, readDeployedOptions } from "./deployed-options";
import { COMMON_OPTIONS, CliIo, Command, checkFormat, emit, targetOf } from "./io";

const EXIT_CODES: Record<AccessDecision, number> = { [AccessDecision.ALLOWED]: 0, [AccessDecision.DENIED]: 1, [AccessDecision.UNKNOWN]: 3 };

/** The escalation paths under the direct answer, each with its bindings' addresses. */
function escalationLines(answer: AccessExplanation): string[] {
  if (answer.escalations.length === 0) return [];
  const lines = ["", `${answer.decisionWithEscalations.toUpperCase()} THROUGH ESCALATION:`];
  answer.escalations.forEach((e, i) => {
    lines.push("", `escalation ${i + 1}${e.decision === AccessDecision.ALLOWED ? "" : " (unknown)"}: ${e.permissions.join(", ")}`, `  ${e.summary}`);
    for (const s of e.steps) lines.push(`  ${s.kind === AccessStepKind.ESCALATION ? "!" : "-"} ${s.description}${s.address ? `\n      ${s.stack}: ${s.address}` : ""}`);
    for (const u of e.unknowns) lines.push(`  ? ${u}`);
  });
  return lines;
}

export const explainCommand: Command = {
  name: "explain",
  usage: `cdktf-firestore-identity explain [cdktf.out | cdk.tf.json] (--token CLAIMS.json | --member MEMBER [--group EMAIL... | --no-groups])
                                   (--database projects/P/databases/D | --project P) (--permission P | --access LEVEL)
                                   [--time ISO-8601] [--no-escalations] [--format text|json]
                                   ${DEPLOYED_USAGE}`,
  help: `explain  answers whether Google would allow the token (decoded claims as JSON) or member
         the permission or access level (READ, READ_WRITE, INDEX_ADMIN, IMPORT_EXPORT,
         EXPORT, BACKUP_ADMIN) on the database, with every chain or where each one stopped.
         --project instead of --database asks about a permission Google checks on the
         project (datastore.databases.list, datastore.databases.create, locations, backups).
         A member's Google groups are IAM's to know: name them with --group, or say
         --no-groups; otherwise a group binding makes the answer unknown.
         Escalation paths (deploying code as an account it may actAs, editing an IAM
         policy, creating a key) are listed beside the direct answer and count as
         access for the exit code; --no-escalations judges direct access only.
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
        project: { type: "string" },
        permission: { type: "string" },
        access: { type: "string" },
        time: { type: "string" },
        "no-escalations": { type: "boolean" },
      },
    });
    const format = checkFormat("explain", values.format, ["text", "json"]);
    const target = targetOf("explain", positionals);
    if (!values.database && !values.project) throw new Error("explain: --database projects/PROJECT_ID/databases/DATABASE_ID (or --project PROJECT_ID) is required");
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
      throw new Error(`explain: --access must be one of ${Object.values(FirestoreAccessLevel).join(", ")}, not ${show(values.access)}`);
    }
    refuseTogether(values.token !== undefined && values.member !== undefined, "--token", "--member", "a request comes from one identity: the token's, or the member's");
    refuseTogether(values.token !== undefined && values.group !== undefined, "--token", "--group", "a federated identity's groups are what its provider maps into google.groups from the token");
    refuseTogether(values.token !== undefined && values["no-groups"] === true, "--token", "--no-groups", "groups belong to a member; a token brings its own through the provider's google.groups mapping");
    refuseTogether(values.database !== undefined && values.project !== undefined, "--database", "--project", "a request is about one database, or about the project for the permissions Google checks there");
    refuseTogether(values.group !== undefined && values["no-groups"] === true, "--group", "--no-groups", "the member either belongs to the groups named or to none");
    const request: AccessRequest = {
      token,
      member: values.member,
      groups: values["no-groups"] ? [] : values.group,
      database: values.database,
      project: values.project,
      permission: values.permission,
      access: values.access as FirestoreAccessLevel | undefined,
      time: values.time,
    };
    // The question is checked before any stack is read: a request nobody can make has no answer to look up.
    try {
      validateRequest(request);
    } catch (e) {
      throw new Error(asOption((e as Error).message, values.token));
    }
    const simulator = AccessSimulator.fromSynthOutput(path.resolve(cwd, target), readDeployedOptions(values, cwd));
    const answer = simulator.explain(request, { includeEscalations: !values["no-escalations"] });
    if (format === "json") {
      emit(io, JSON.stringify(answer, null, 2) + "\n", values.out, cwd);
    } else {
      const lines = [`${answer.decision.toUpperCase()}: ${answer.permissions.join(", ")} on ${values.database ?? `projects/${values.project!.replace(/^projects\//, "")}`}`];
      answer.chains.forEach((c, i) => {
        lines.push("", `chain ${i + 1}${c.decision === AccessDecision.ALLOWED ? "" : " (unknown)"}: ${c.permissions.join(", ")}`);
        for (const s of c.steps) lines.push(`  - ${s.description}${s.address ? `\n      ${s.stack}: ${s.address}` : ""}`);
        for (const u of c.unknowns) lines.push(`  ? ${u}`);
      });
      if (answer.reasons.length > 0) lines.push("", answer.decision === AccessDecision.DENIED ? "why not:" : "what cannot be decided offline:", ...answer.reasons.map((r) => `  - ${r}`));
      lines.push(...escalationLines(answer));
      emit(io, lines.join("\n") + "\n", values.out, cwd);
    }
    return EXIT_CODES[answer.decisionWithEscalations];
  },
};

function refuseTogether(both: boolean, a: string, b: string, why: string): void {
  if (both) throw new Error(`explain: ${a} and ${b} cannot be given together: ${why}`);
}

/** The API's message with the request field named as the option that set it. */
function asOption(message: string, tokenFile: string | undefined): string {
  const m = /^AccessSimulator\.explain: invalid (token|member|groups|database|project|permission|access|time)\b/.exec(message);
  if (!m) return message.replace(/^AccessSimulator\.explain: /, "explain: ").replace(/: name the database instead of project (\S+)$/, ": give --database instead of --project $1");
  const option = m[1] === "token" ? `--token ${tokenFile}` : m[1] === "groups" ? "--group" : `--${m[1]}`;
  return `explain: ${option}: ${message.slice("AccessSimulator.explain: ".length)}`;
}
