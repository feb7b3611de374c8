/**
 * `cdktf-firestore-identity/testing`: jest matchers that assert intent (who may reach which
 * Firestore database, through which federation chain) over a synthesized stack. Kept out of
 * the jsii API: matcher types are TypeScript-only.
 */
import "./jest-matcher-types";
import { firestoreMatchers } from "./setup-matchers";

export type { FirestoreMatchers } from "./jest-matcher-types";
export type { DatabaseTarget, FirestoreGrantExpectation, MemberLike } from "./grant-expectation";
export type { FederatedAccessExpectation } from "./federated-access-matcher";
export type { MatcherResult } from "./matcher-result";
export type { ReceivedStack } from "./received-stack";
export type { ExtendableExpect } from "./setup-matchers";

export { firestoreMatchers, setupFirestoreMatchers } from "./setup-matchers";
export { nearMisses } from "./near-misses";
export type { NearMiss } from "./near-misses";
export type { AccessRequest, AccessExplanation } from "../analysis/access-simulator";
export type { AccessEscalation, ExplainOptions } from "../analysis/escalations";

// The matcher functions themselves, for runners that register matchers their own way. They are
// the lazy ones `firestoreMatchers` holds, so importing this entry point loads neither the
// simulator nor the guardrails until a matcher runs.
export const { toAllowFederatedAccess, toAllowFirestoreAccess, toGrantFirestoreAccess, toOnlyGrantFirestoreAccess, toPassFirestoreGuardrails } =
  firestoreMatchers;
