/**
 * Firestore permissions in words a reviewer reads. Order is the order of the sentence:
 * from reading data to changing what holds it.
 */
const CAPABILITIES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^datastore\.entities\.(get|list)$/, "read documents"],
  [/^datastore\.entities\.(create|update|delete|allocateIds)$/, "write and delete documents"],
  [/^datastore\.databases\.bulkDelete$/, "bulk-delete documents"],
  [/^datastore\.databases\.import$/, "import (overwrites documents)"],
  [/^datastore\.databases\.export$/, "export"],
  [/^datastore\.(schemas|indexes)\.(create|update|delete)$/, "manage indexes"],
  [/^datastore\.backups\.(delete|update)$/, "delete backups"],
  [/^datastore\.backups\.restoreDatabase$/, "restore backups into new databases"],
  [/^datastore\.backupSchedules\.(create|update|delete)$/, "manage backup schedules"],
  [/^datastore\.databases\.(create|clone)$/, "create databases"],
  [/^datastore\.databases\.(update|delete|createTagBinding|deleteTagBinding)$/, "change or delete databases"],
  [/^datastore\.userCreds\.(create|update|delete)$/, "manage database user credentials"],
];

/**
 * What a set of permissions lets a member do, as short phrases in a fixed order, e.g.
 * `["read documents", "write and delete documents"]`. Permissions that only read metadata
 * (statistics, index definitions, operations) add "read metadata" when nothing else applies.
 */
export function capabilitiesOf(permissions: Iterable<string>): string[] {
  const list = [...permissions];
  const found = CAPABILITIES.filter(([pattern]) => list.some((p) => pattern.test(p))).map(([, words]) => words);
  if (found.length === 0 && list.some((p) => p.startsWith("datastore."))) found.push("read metadata");
  return found;
}
