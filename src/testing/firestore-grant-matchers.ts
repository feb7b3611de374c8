import { firestoreDatabaseCondition } from "../gcp/firestore-access";
import { IamModel } from "../analysis/iam-model";
import { FoundGrant, describeGrant, foundGrants, inProjectOf, isFirestoreGrant } from "./found-grants";
import { ExpectedGrant, FirestoreGrantExpectation, describeExpected, expectedGrant } from "./grant-expectation";
import { MatcherResult, bullets, result } from "./matcher-result";
import { ReadStack, readStack } from "./received-stack";

const GRANT = "toGrantFirestoreAccess";
const ONLY = "toOnlyGrantFirestoreAccess";

function matches(g: FoundGrant, e: ExpectedGrant): boolean {
  return g.role === e.role && (g.database === e.database || g.projectWide) && inProjectOf(g, e.database) && (e.memberKey === undefined || g.memberKey === e.memberKey);
}

/**
 * Passes when some project-level binding gives the role on the database (condition
 * `resource.name == "projects/P/databases/D"` and nothing more) to the member, or to
 * anyone when no member is given. A role that acts on backups only is granted on the
 * project with no condition (see grantBackupAdmin), and that grant matches every database
 * of the project.
 */
export function toGrantFirestoreAccess(received: unknown, expected: FirestoreGrantExpectation): MatcherResult {
  const stack = readStack(received, GRANT);
  const want = expectedGrant(expected, stack, GRANT);
  const grants = foundGrants(stack.model);
  const hits = grants.filter((g) => matches(g, want));
  const condition = firestoreDatabaseCondition(want.database);
  return result(
    GRANT,
    hits.length > 0,
    () => [`Expected a grant of ${describeExpected(want)} (condition ${condition}), but there is none.`, ...context(stack, grants, want)],
    () => [`Expected no grant of ${describeExpected(want)}, but found:`, ...bullets(hits.map(describeGrant))],
  );
}

/** Near misses first (they are usually the bug), else every Firestore grant, so the reader sees what is there. */
function context(stack: ReadStack, grants: readonly FoundGrant[], want: ExpectedGrant): string[] {
  const sameMember = (g: FoundGrant) => want.memberKey === undefined || g.memberKey === want.memberKey;
  const near = grants.filter(
    (g) => (g.role === want.role && sameMember(g)) || (g.database === want.database && (g.role === want.role || sameMember(g))),
  );
  if (near.length > 0) return ["Closest grants:", ...bullets(near.map(describeGrant))];
  const firestore = grants.filter((g) => isFirestoreGrant(stack.model, g));
  return firestore.length > 0 ? ["Firestore grants in the stack:", ...bullets(firestore.map(describeGrant))] : ["The stack grants no Firestore role."];
}

/**
 * Passes when the stack's Firestore grants (roles/datastore.* and custom roles with
 * datastore.* permissions, at project level or above, conditioned or not) are exactly the
 * listed ones: none missing, none extra. An entry without a member covers every member
 * holding that role on that database.
 */
export function toOnlyGrantFirestoreAccess(received: unknown, expected: readonly FirestoreGrantExpectation[]): MatcherResult {
  const stack = readStack(received, ONLY);
  if (!Array.isArray(expected)) throw new Error(`${ONLY}: expected an array of { member?, database, role | access }`);
  const wanted = expected.map((e) => expectedGrant(e, stack, ONLY));
  // Indexed by role, database and member (or "any"), so each grant is one or two lookups.
  const index = new Map<string, number[]>();
  wanted.forEach((w, i) => {
    const key = keyOf(w.role, w.database, w.memberKey);
    const entries = index.get(key);
    if (entries) entries.push(i);
    else index.set(key, [i]);
  });
  const matched = new Set<number>();
  const extra: FoundGrant[] = [];
  const found = foundGrants(stack.model).filter((g) => isFirestoreGrant(stack.model, g));
  for (const g of found) {
    const hits = g.projectWide
      ? wanted.flatMap((w, i) => (matches(g, w) ? [i] : []))
      : g.database !== undefined && inProjectOf(g, g.database)
        ? [...(index.get(keyOf(g.role, g.database, g.memberKey)) ?? []), ...(index.get(keyOf(g.role, g.database, undefined)) ?? [])]
        : [];
    if (hits.length === 0) extra.push(g);
    for (const i of hits) matched.add(i);
  }
  const missing = wanted.filter((_, i) => !matched.has(i));
  const unknownRole = (w: ExpectedGrant) =>
    IamModel.ofStack(stack.model).isFirestoreRole(stack.model.resolve(w.role)) ? "" : " (not a Firestore role of this stack: roles/datastore.*, or a custom role declared in it with datastore.* permissions)";
  return result(
    ONLY,
    extra.length === 0 && missing.length === 0,
    () => [
      `Expected the stack's Firestore grants to be exactly the ${wanted.length} listed, but:`,
      ...bullets(extra.map((g) => `extra grant ${describeGrant(g)}`)),
      ...bullets(missing.map((w) => `missing grant: ${describeExpected(w)}${unknownRole(w)}`)),
    ],
    () => ["Expected the stack's Firestore grants to differ from the listed ones, but they are exactly:", ...bullets(found.map(describeGrant))],
  );
}

function keyOf(role: string, database: string, member: string | undefined): string {
  return JSON.stringify([role, database, member ?? null]);
}
