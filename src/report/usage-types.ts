/** The usage report's public shapes (jsii structs): what the logs say each declared grant was used for. */

/** How much of a grant the window shows in use. */
export enum GrantUsageStatus {
  /** At least one permission was used through a declared chain. */
  USED = "used",
  /** Nothing was used, and the audit config would have logged every use. */
  UNUSED = "unused",
  /** Nothing was used that the logs show, but some uses would not have been logged (see notObservable). */
  NOT_OBSERVABLE = "not observable",
}

/** One permission of a grant, used in the window. */
export interface PermissionUse {
  readonly permission: string;
  readonly calls: number;
  /** ISO 8601. */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** A permission of a grant that no logged call used, and whether a use would have been logged. */
export interface UnusedPermission {
  readonly permission: string;
  /** The audit log type a use writes: DATA_READ, DATA_WRITE, ADMIN_READ or ADMIN_WRITE (Admin Activity, always on). */
  readonly logType: string;
  /** True when a use would be in the logs: then "unused" is a finding, not a guess. */
  readonly observable: boolean;
  /** Why a use would not be logged; empty when observable. */
  readonly reason: string;
}

/** One way a grant was used: who, through which declared links. */
export interface UsageChain {
  /** The identity, e.g. `principal://…/subject/organization:acme:pipeline:firestore-deploy` or `serviceAccount:…`. */
  readonly identity: string;
  /** The first IdP token subjects (sorted, at most 5) seen exchanging for that identity in STS entries. */
  readonly tokenSubjects: string[];
  /** How many distinct token subjects the STS entries show for it (a Buildkite sub names each commit). */
  readonly tokenSubjectCount: number;
  /** The service account the identity acted as; empty when the identity holds the grant itself. */
  readonly serviceAccount: string;
  /** Terraform address of the binding that let the identity act as the service account; empty when none was needed. */
  readonly impersonationAddress: string;
  readonly impersonationConstructPath: string;
  /** The principal or principal set of that binding the identity matched. */
  readonly impersonationMember: string;
  /** Firestore calls made through this chain. */
  readonly calls: number;
  /** Tokens the identity minted for the service account in the window (IAM credentials GenerateAccessToken/SignJwt entries). */
  readonly tokensMinted: number;
}

/** One declared Firestore grant and what the window shows of it. */
export interface GrantUsage {
  readonly environment: string;
  readonly stack: string;
  /** Terraform address of the grant. */
  readonly address: string;
  /** Construct path of the grant (empty when the stack was not written with cdktf constructs). */
  readonly constructPath: string;
  readonly project: string;
  /** `projects/P/databases/D`, or `projects/P/databases/*` when the grant names no one database. */
  readonly database: string;
  readonly role: string;
  readonly members: string[];
  readonly status: GrantUsageStatus;
  readonly used: PermissionUse[];
  /** The grant's Firestore permissions that no logged call used, with whether a use would have been logged. */
  readonly unused: UnusedPermission[];
  readonly chains: UsageChain[];
  /** The narrowest FirestoreAccessLevel whose role covers what was used; empty when none does or nothing was used. */
  readonly narrowestLevel: string;
  /** When no access level covers the use: the permissions of a custom role that does (used ones plus what they need). */
  readonly customRolePermissions: string[];
  /** A narrower grant to make, in words; empty when the grant is already as narrow as its use, or when unused permissions are not observable. */
  readonly recommendation: string;
  /** What Firestore does not log that matters for this grant. */
  readonly notes: string[];
}

/** Firestore calls no declared chain explains, or tokens minted for an account through no declared binding. */
export interface UnexpectedCaller {
  readonly environment: string;
  readonly database: string;
  /** principalEmail or principalSubject of the entries. */
  readonly caller: string;
  /** The original caller from serviceAccountDelegationInfo; empty when the caller acted in its own name. */
  readonly origin: string;
  readonly permissions: string[];
  readonly calls: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly reason: string;
}

/** Calls Firestore refused (`granted: false`), with what the simulator says is missing. */
export interface DeniedAttempt {
  readonly environment: string;
  readonly database: string;
  readonly caller: string;
  readonly origin: string;
  readonly permission: string;
  readonly calls: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The simulator's reasons: where each candidate chain stopped. */
  readonly missing: string[];
}

/** What the logs covered. */
export interface UsageSummary {
  readonly since: string;
  readonly until: string;
  /** Entries of any service dated in the window. */
  readonly entries: number;
  /** Entries dated outside the window, left out. */
  readonly outsideWindow: number;
  /** Firestore permission checks (an entry with several authorizationInfo items counts each). */
  readonly firestoreChecks: number;
  readonly firstEntry: string;
  readonly lastEntry: string;
  /** Where the logs cover less than the window: a late start, an early end, days with no entries at all. */
  readonly gaps: string[];
}

/** Options of UsageReport.fromLogs. */
export interface UsageWindowOptions {
  /** Start of the window, ISO 8601 (inclusive). */
  readonly since: string;
  /** End of the window, ISO 8601 (exclusive). */
  readonly until: string;
}
