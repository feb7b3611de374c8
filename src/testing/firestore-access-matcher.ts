import * as fs from "fs";
import { AccessDecision, AccessExplanation, AccessRequest, AccessSimulator } from "../analysis/access-simulator";
import { IamModel } from "../analysis/iam-model";
import { loadSynthOutput } from "../analysis/synth-output";
import { MatcherResult, bullets, result } from "./matcher-result";
import { preview, readStack } from "./received-stack";

const MATCHER = "toAllowFirestoreAccess";

function simulatorFor(received: unknown): AccessSimulator {
  if (typeof received === "string" && !received.trimStart().startsWith("{") && fs.existsSync(received)) {
    return AccessSimulator._fromModel(IamModel.of(loadSynthOutput(received)));
  }
  return AccessSimulator._fromModel(IamModel.of([readStack(received, MATCHER).model]));
}

function chainLines(e: AccessExplanation): string[] {
  return e.chains.flatMap((c, i) => [
    `  chain ${i + 1} (${c.decision}, ${c.permissions.join(", ")}):`,
    ...bullets(c.steps.map((s) => `${s.description}${s.address ? ` [${s.stack}: ${s.address}]` : ""}`), "    "),
  ]);
}

/**
 * Passes when the access simulator finds Google would allow the request: the token admitted
 * (or the member as given), through any impersonation, to a binding whose condition admits
 * the database and whose role holds every requested permission. `.not` passes when it is
 * denied. An answer the simulator cannot give offline (unknown) fails both ways, with the
 * reason: a test never passes on a guess.
 */
export function toAllowFirestoreAccess(received: unknown, request: AccessRequest): MatcherResult {
  if (request === null || typeof request !== "object") throw new Error(`${MATCHER}: expected a request { token? | member?, database, permission? | access? }, got ${preview(request)}`);
  const answer = simulatorFor(received).explain(request);
  const asked = `${request.permission ?? request.access} on ${request.database}`;
  if (answer.decision === AccessDecision.UNKNOWN) {
    throw new Error([`${MATCHER}: cannot decide ${asked} offline:`, ...bullets(answer.reasons), ...chainLines(answer)].join("\n"));
  }
  return result(
    MATCHER,
    answer.decision === AccessDecision.ALLOWED,
    () => [`Expected ${asked} to be allowed, but it is denied:`, ...bullets(answer.reasons), "The requester is:", ...bullets(answer.members)],
    () => [`Expected ${asked} to be denied, but it is allowed:`, ...chainLines(answer)],
  );
}
