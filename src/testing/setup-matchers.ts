import { toAllowFederatedAccess } from "./federated-access-matcher";
import { toAllowFirestoreAccess } from "./firestore-access-matcher";
import { toGrantFirestoreAccess, toOnlyGrantFirestoreAccess } from "./firestore-grant-matchers";
import { toPassFirestoreGuardrails } from "./guardrails-matcher";

/** The matchers, for `expect.extend(firestoreMatchers)` in runners with a jest-compatible expect (vitest too). */
export const firestoreMatchers = {
  toGrantFirestoreAccess,
  toOnlyGrantFirestoreAccess,
  toAllowFederatedAccess,
  toAllowFirestoreAccess,
  toPassFirestoreGuardrails,
};

/** The part of jest's `expect` this needs; typed loosely so any jest-compatible expect fits. */
export interface ExtendableExpect {
  extend(matchers: object): void;
}

/**
 * Registers the Firestore intent matchers, like cdktf's `Testing.setupJest()`. Call it from
 * a file in jest's `setupFilesAfterEnv` (jest's global `expect` exists only there and in
 * tests), or pass the `expect` to extend, e.g. the one from `@jest/globals`.
 */
export function setupFirestoreMatchers(expectToExtend?: ExtendableExpect): void {
  const target = expectToExtend ?? (globalThis as { expect?: ExtendableExpect }).expect;
  if (!target || typeof target.extend !== "function") {
    throw new Error(
      "setupFirestoreMatchers: no global expect to extend; call it from a file listed in jest's setupFilesAfterEnv " +
        "(not setupFiles), or pass it: setupFirestoreMatchers(expect)",
    );
  }
  target.extend(firestoreMatchers);
}
