import * as fs from "fs";
import { TerraformStack } from "cdktf";
import { AccessDecision, AccessExplanation, AccessRequest, AccessSimulator } from "../analysis/access-simulator";
import { ExplainOptions } from "../analysis/escalations";
import { IamModel } from "../analysis/iam-model";
import { resolveRequestSubjects } from "../analysis/request-subjects";
import { loadSynthOutput } from "../analysis/synth-output";
import { MatcherResult, bullets, result } from "./matcher-result";
import { preview, readStack } from "./received-stack";

const MATCHER = "toAllowFirestoreAccess";

/** The model to ask, and the stack object when the test passed it (tokens that are not references resolve in it). */
function modelFor(received: unknown): { model: IamModel; stack?: TerraformStack } {
  if (typeof received === "string" && !received.trimStart().startsWith("{") && fs.existsSync(received)) {
    return { model: IamModel.of(loadSynthOutput(received)) };
  }
  const read = readStack(received, MATCHER);
  return { model: IamModel.of([read.model]), stack: read.stack };
}

function chainLines(e: AccessExplanation): string[] {
  return e.chains.flatMap((c, i) => [
    `  chain ${i + 1} (${c.decision}, ${c.permissions.join(", ")}):`,
    ...bullets(c.steps.map((s) => `${s.description}${s.address ? ` [${s.stack}: ${s.address}]` : ""}`), "    "),
  ]);
}

function escalationLines(e: AccessExplanation): string[] {
  return e.escalations.flatMap((x, i) => [
    `  escalation ${i + 1} (${x.decision}, ${x.permissions.join(", ")}): ${x.summary}`,
    ...bullets(x.steps.map((s) => `${s.kind === "escalation" ? "escalates: " : ""}${s.description}${s.address ? ` [${s.stack}: ${s.address}]` : ""}`), "    "),
    ...bullets(x.unknowns.map((u) => `? ${u}`), "    "),
  ]);
}

/**
 * Passes when the access simulator finds Google would allow the request: the token admitted
 * (or the member as given), through any impersonation, to a binding whose condition admits
 * the database and whose role holds every requested permission, or through an escalation
 * (deploying code as an account it may actAs, editing an IAM policy, creating a key) unless
 * the test says `{ includeEscalations: false }`. `.not` passes when it is denied. An answer
 * the simulator cannot give offline (unknown) fails both ways, with the reason: a test never
 * passes on a guess.
 */
export function toAllowFirestoreAccess(received: unknown, request: AccessRequest, options: ExplainOptions = {}): MatcherResult {
  if (request === null || typeof request !== "object") throw new Error(`${MATCHER}: expected a request { token? | member?, database, permission? | access? }, got ${preview(request)}`);
  if (options === null || typeof options !== "object") throw new Error(`${MATCHER}: options must be { includeEscalations?: boolean }, got ${preview(options)}`);
  const escalations = options.includeEscalations !== false;
  const { model, stack } = modelFor(received);
  // A member or database given as the object the test holds, or as its token (sa.iamMember), means what the stack declares.
  const resolved = resolveRequestSubjects(model, request, MATCHER, stack);
  let answer: AccessExplanation;
  try {
    answer = AccessSimulator._fromModel(model).explain(resolved, { includeEscalations: escalations });
  } catch (e) {
    // The refusal names the matcher the test called, not the API it calls.
    throw new Error((e as Error).message.replace(/^AccessSimulator\.explain: /, `${MATCHER}: `));
  }
  const decision = escalations ? answer.decisionWithEscalations : answer.decision;
  const asked = `${request.permission ?? request.access} on ${resolved.database ?? `projects/${String(resolved.project).replace(/^projects\//, "")}`}`;
  if (decision === AccessDecision.UNKNOWN) {
    throw new Error([`${MATCHER}: cannot decide ${asked} offline:`, ...bullets(answer.reasons), ...chainLines(answer), ...escalationLines(answer)].join("\n"));
  }
  const throughEscalation = decision === AccessDecision.ALLOWED && answer.decision !== AccessDecision.ALLOWED;
  return result(
    MATCHER,
    decision === AccessDecision.ALLOWED,
    () => [`Expected ${asked} to be allowed, but it is denied:`, ...bullets(answer.reasons), "The requester is:", ...bullets(answer.members)],
    () =>
      throughEscalation
        ? [
            `Expected ${asked} to be denied, but it is allowed through an escalation (pass { includeEscalations: false } to judge direct access only):`,
            ...escalationLines({ ...answer, escalations: answer.escalations.filter((x) => x.decision === AccessDecision.ALLOWED) }),
            ...chainLines(answer),
          ]
        : [`Expected ${asked} to be denied, but it is allowed:`, ...chainLines(answer)],
    escalations ? "expected" : "expected, { includeEscalations: false }",
  );
}
