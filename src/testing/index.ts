/**
 * `cdktf-firestore-identity/testing`: jest matchers that assert intent (who may reach which
 * Firestore database, through which federation chain) over a synthesized stack. Kept out of
 * the jsii API: matcher types are TypeScript-only.
 */
import "./jest-matcher-types";

export type { FirestoreMatchers } from "./jest-matcher-types";
export type { DatabaseTarget, FirestoreGrantExpectation, MemberLike } from "./grant-expectation";
export type { FederatedAccessExpectation } from "./federated-access-matcher";
export type { MatcherResult } from "./matcher-result";
export type { ReceivedStack } from "./received-stack";
export type { ExtendableExpect } from "./setup-matchers";
export { firestoreMatchers, setupFirestoreMatchers } from "./setup-matchers";
export { toAllowFederatedAccess } from "./federated-access-matcher";
export { toAllowFirestoreAccess } from "./firestore-access-matcher";
export { nearMisses } from "./near-misses";
export type { NearMiss } from "./near-misses";
export type { AccessRequest, AccessExplanation } from "../analysis/access-simulator";
export type { AccessEscalation, ExplainOptions } from "../analysis/escalations";
export { toGrantFirestoreAccess, toOnlyGrantFirestoreAccess } from "./firestore-grant-matchers";
export { toPassFirestoreGuardrails } from "./guardrails-matcher";
