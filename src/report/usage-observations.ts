import { AuditRecord, timeOf } from "../deployed/audit-entries";

/**
 * What the usage report needs from the logs, aggregated while they stream: Firestore
 * permission checks by (caller, delegation origin, database, permission, granted), token
 * exchanges by (provider, subject, mapped principal), impersonations by (caller, account),
 * and the days that have any entry at all. The BigQuery query of `usage --emit-sql`
 * returns exactly these rows (kind firestore, exchange, impersonation, day), so both paths
 * meet here and give the same report.
 */

export const FIRESTORE_SERVICES: readonly string[] = ["firestore.googleapis.com", "datastore.googleapis.com"];
export const STS_SERVICE = "sts.googleapis.com";
export const IAM_CREDENTIALS_SERVICE = "iamcredentials.googleapis.com";

/** Seen between first and last, this many times. */
export interface Seen {
  readonly calls: number;
  readonly first: string;
  readonly last: string;
}

export interface FirestoreCallRow extends Seen {
  /** principalEmail, or principalSubject for a federated principal that called directly. */
  readonly caller: string;
  /** The original caller of serviceAccountDelegationInfo[] ("" when the caller acted in its own name). */
  readonly origin: string;
  /** `projects/P/databases/D`. */
  readonly database: string;
  /** From authorizationInfo[]; "" when the entry had none (then method says what was called). */
  readonly permission: string;
  readonly method: string;
  readonly granted: boolean;
}

export interface ExchangeRow extends Seen {
  /** The workload identity provider (`protoPayload.resourceName`). */
  readonly provider: string;
  /** The IdP token's `sub` (`authenticationInfo.principalSubject`). */
  readonly subject: string;
  readonly mappedPrincipal: string;
}

export interface ImpersonationRow extends Seen {
  readonly caller: string;
  readonly serviceAccount: string;
  readonly method: string;
  readonly granted: boolean;
}

export interface Observations {
  readonly firestore: FirestoreCallRow[];
  readonly exchanges: ExchangeRow[];
  readonly impersonations: ImpersonationRow[];
  /** UTC day (YYYY-MM-DD) → entries of any service that day, in the window. */
  readonly days: Map<string, number>;
  /** Entries read in the window, of any service. */
  readonly entries: number;
  /** Entries dated outside the window (or not dated), left out. */
  readonly outside: number;
}

/**
 * Firestore methods and the permission each checks, for entries without authorizationInfo
 * (Google shows it in published entries but does not promise it). Only methods with one
 * permission are listed: Commit, BatchWrite and Write may create, update or delete, so their
 * entries without authorizationInfo say "a write" and no more.
 * Method names: https://cloud.google.com/firestore/docs/audit-logging ("Methods by permission type").
 */
const METHOD_PERMISSION: { readonly [method: string]: string } = {
  "google.firestore.v1.Firestore.GetDocument": "datastore.entities.get",
  "google.firestore.v1.Firestore.BatchGetDocuments": "datastore.entities.get",
  "google.firestore.v1.Firestore.ListDocuments": "datastore.entities.list",
  "google.firestore.v1.Firestore.RunQuery": "datastore.entities.list",
  "google.firestore.v1.Firestore.RunAggregationQuery": "datastore.entities.list",
  "google.firestore.v1.Firestore.CreateDocument": "datastore.entities.create",
  "google.firestore.v1.Firestore.UpdateDocument": "datastore.entities.update",
  "google.firestore.v1.Firestore.DeleteDocument": "datastore.entities.delete",
  "google.firestore.admin.v1.FirestoreAdmin.CreateIndex": "datastore.schemas.create",
  "google.firestore.admin.v1.FirestoreAdmin.DeleteIndex": "datastore.schemas.delete",
  "google.firestore.admin.v1.FirestoreAdmin.GetIndex": "datastore.schemas.get",
  "google.firestore.admin.v1.FirestoreAdmin.ListIndexes": "datastore.schemas.list",
  "google.firestore.admin.v1.FirestoreAdmin.ExportDocuments": "datastore.databases.export",
  "google.firestore.admin.v1.FirestoreAdmin.ImportDocuments": "datastore.databases.import",
};

/** Methods whose entries without authorizationInfo could have used any of these permissions. */
export const AMBIGUOUS_METHOD_PERMISSIONS: { readonly [method: string]: readonly string[] } = {
  "google.firestore.v1.Firestore.Commit": ["datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"],
  "google.firestore.v1.Firestore.BatchWrite": ["datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"],
  "google.firestore.v1.Firestore.Write": ["datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"],
};

export function permissionOfMethod(method: string): string {
  return METHOD_PERMISSION[method] ?? "";
}

const DATABASE = /^(?:\/\/[^/]+\/)?(projects\/[^/]+\/databases\/[^/]+)/;

/** `projects/P/databases/D/documents/…` (or a full resource URI) → `projects/P/databases/D`; "" when it names none. */
export function databaseOf(resource: string): string {
  return DATABASE.exec(resource)?.[1] ?? "";
}

/** The windows' bounds, validated: ISO 8601, since before until. */
export interface Window {
  readonly since: Date;
  readonly until: Date;
}

export function windowOf(since: string, until: string, where: string): Window {
  const s = timeOf(since);
  const u = timeOf(until);
  if (s === "") throw new Error(`${where}: invalid since ${JSON.stringify(since)}: must be an ISO 8601 timestamp, e.g. 2026-11-01T00:00:00Z`);
  if (u === "") throw new Error(`${where}: invalid until ${JSON.stringify(until)}: must be an ISO 8601 timestamp, e.g. 2026-12-01T00:00:00Z`);
  if (u <= s) throw new Error(`${where}: until (${u}) must be after since (${s})`);
  return { since: new Date(s), until: new Date(u) };
}

interface Mutable {
  calls: number;
  first: string;
  last: string;
}

function see<T extends Mutable>(map: Map<string, T>, key: string, time: string, make: () => Omit<T, keyof Mutable>): void {
  const prior = map.get(key);
  if (prior) {
    prior.calls++;
    if (time < prior.first) prior.first = time;
    if (time > prior.last) prior.last = time;
  } else {
    map.set(key, { ...make(), calls: 1, first: time, last: time } as T);
  }
}

/** Feeds records in, one at a time; memory grows with distinct (caller, permission, …) keys, not with entries. */
export class ObservationCollector {
  private readonly firestore = new Map<string, FirestoreCallRow & Mutable>();
  private readonly exchanges = new Map<string, ExchangeRow & Mutable>();
  private readonly impersonations = new Map<string, ImpersonationRow & Mutable>();
  private readonly days = new Map<string, number>();
  private entries = 0;
  private outside = 0;
  private readonly since: string;
  private readonly until: string;

  constructor(window: Window) {
    this.since = window.since.toISOString();
    this.until = window.until.toISOString();
  }

  public add(r: AuditRecord): void {
    const time = r.time;
    if (time === "" || time < this.since || time >= this.until) {
      this.outside++;
      return;
    }
    this.entries++;
    const day = time.slice(0, 10);
    this.days.set(day, (this.days.get(day) ?? 0) + 1);
    if (FIRESTORE_SERVICES.includes(r.service)) this.addFirestore(r, time);
    else if (r.service === STS_SERVICE && r.mappedPrincipal !== "") {
      const key = `${r.resourceName}\n${r.principalSubject}\n${r.mappedPrincipal}`;
      see(this.exchanges, key, time, () => ({ provider: r.resourceName, subject: r.principalSubject, mappedPrincipal: r.mappedPrincipal }));
    } else if (r.service === IAM_CREDENTIALS_SERVICE && r.serviceAccount !== "") {
      const caller = r.principalSubject || r.principalEmail;
      const granted = r.statusCode !== 7;
      const key = `${caller}\n${r.serviceAccount}\n${r.method}\n${granted}`;
      see(this.impersonations, key, time, () => ({ caller, serviceAccount: r.serviceAccount.toLowerCase(), method: r.method, granted }));
    }
  }

  private addFirestore(r: AuditRecord, time: string): void {
    const caller = r.principalEmail || r.principalSubject;
    const origin = r.delegation[0] ?? "";
    const checks = r.authorization.filter((a) => a.permission.startsWith("datastore."));
    if (checks.length === 0) {
      const permission = permissionOfMethod(r.method);
      this.addCheck(caller, origin, databaseOf(r.resourceName), permission, permission === "" ? r.method : "", r.statusCode !== 7, time);
      return;
    }
    for (const a of checks) this.addCheck(caller, origin, databaseOf(a.resource) || databaseOf(r.resourceName), a.permission, "", a.granted, time);
  }

  private addCheck(caller: string, origin: string, database: string, permission: string, method: string, granted: boolean, time: string): void {
    const key = `${caller}\n${origin}\n${database}\n${permission}\n${method}\n${granted}`;
    see(this.firestore, key, time, () => ({ caller, origin, database, permission, method, granted }));
  }

  public result(): Observations {
    const plain = <T extends Mutable>(m: Map<string, T>) => [...m.keys()].sort().map((k) => ({ ...m.get(k)! }));
    return {
      firestore: plain(this.firestore),
      exchanges: plain(this.exchanges),
      impersonations: plain(this.impersonations),
      days: new Map([...this.days].sort()),
      entries: this.entries,
      outside: this.outside,
    };
  }
}
