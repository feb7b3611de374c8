/*
 * Declaration merging, so `expect(json).toGrantFirestoreAccess(...)` type-checks: the
 * `jest` namespace for the globals of @types/jest, and the `expect` module for
 * `import { expect } from "@jest/globals"`. Type parameters repeat each declaration's own
 * exactly, as TypeScript requires of every declaration of one interface.
 */
import { AccessRequest } from "../analysis/access-simulator";
import { ExplainOptions } from "../analysis/escalations";
import { FederatedAccessExpectation } from "./federated-access-matcher";
import { FirestoreGrantExpectation } from "./grant-expectation";

/** The Firestore intent matchers; R is what the host `expect` makes a matcher return. */
export interface FirestoreMatchers<R> {
  /** Some project-level binding gives the role (or access level) on the database, with its database condition, to the member. */
  toGrantFirestoreAccess(expected: FirestoreGrantExpectation): R;
  /** The stack's Firestore grants are exactly these: an extra (wider) grant or a missing one fails. */
  toOnlyGrantFirestoreAccess(expected: readonly FirestoreGrantExpectation[]): R;
  /** A provider admits the token (evaluated as Google does) and the identity is bound to a service account or a role; optionally inside a principal. */
  toAllowFederatedAccess(expected: FederatedAccessExpectation): R;
  /**
   * The access simulator finds Google would allow the request (a token or member, a database
   * or a project, a permission or access level); `.not`: it would deny it. Member and database
   * may be the stack's objects or their tokens, resolved to what the stack declares. Works on a
   * stack, its JSON or a cdktf.out directory; an answer that cannot be decided offline, or a
   * member or database the stack cannot resolve, fails with the reason.
   * An escalation path (deploying code as an account, editing an IAM policy, creating a
   * key) counts as access unless `{ includeEscalations: false }`.
   */
  toAllowFirestoreAccess(request: AccessRequest, options?: ExplainOptions): R;
  /** The single-stack guardrail rules find no error (suppressions honoured when the input has its metadata). */
  toPassFirestoreGuardrails(): R;
}

declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends FirestoreMatchers<R> {}
  }
}

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends FirestoreMatchers<R> {}
}
