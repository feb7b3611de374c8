import type * as FederatedAccessMatcher from "./federated-access-matcher";
import type * as FirestoreAccessMatcher from "./firestore-access-matcher";
import type * as FirestoreGrantMatchers from "./firestore-grant-matchers";
import type * as GuardrailsMatcher from "./guardrails-matcher";

// Each matcher's module (the simulator, the guardrails engine and its rules) loads when a test
// first calls that matcher: jest loads setup files afresh for every test file, and most test
// files call one matcher or none.
/* eslint-disable @typescript-eslint/no-require-imports */
const federatedAccess = (): typeof FederatedAccessMatcher => require("./federated-access-matcher");
const firestoreAccess = (): typeof FirestoreAccessMatcher => require("./firestore-access-matcher");
const grantMatchers = (): typeof FirestoreGrantMatchers => require("./firestore-grant-matchers");
const guardrails = (): typeof GuardrailsMatcher => require("./guardrails-matcher");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The matchers, for `expect.extend(firestoreMatchers)` in runners with a jest-compatible expect (vitest too). */
export const firestoreMatchers = {
  toGrantFirestoreAccess(...args: Parameters<typeof FirestoreGrantMatchers.toGrantFirestoreAccess>) {
    return grantMatchers().toGrantFirestoreAccess(...args);
  },
  toOnlyGrantFirestoreAccess(...args: Parameters<typeof FirestoreGrantMatchers.toOnlyGrantFirestoreAccess>) {
    return grantMatchers().toOnlyGrantFirestoreAccess(...args);
  },
  toAllowFederatedAccess(...args: Parameters<typeof FederatedAccessMatcher.toAllowFederatedAccess>) {
    return federatedAccess().toAllowFederatedAccess(...args);
  },
  toAllowFirestoreAccess(...args: Parameters<typeof FirestoreAccessMatcher.toAllowFirestoreAccess>) {
    return firestoreAccess().toAllowFirestoreAccess(...args);
  },
  toPassFirestoreGuardrails(...args: Parameters<typeof GuardrailsMatcher.toPassFirestoreGuardrails>) {
    return guardrails().toPassFirestoreGuardrails(...args);
  },
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
