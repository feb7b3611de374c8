import { AccessSimulator } from "../analysis/access-simulator";
import { IamModel } from "../analysis/iam-model";
import { ACCESS_LEVEL_PERMISSIONS, predefinedRolePermissionSet } from "../analysis/role-permissions";
import { recordsOfFile, recordsOfText } from "../deployed/audit-log-reader";
import { EXPORT_PERMISSIONS, FIRESTORE_ACCESS_ROLES, FirestoreAccessLevel } from "../gcp/firestore-access";
import { sortEnvironments } from "./access-chains";
import { Attribution, DeclaredGrant, UsageAttributor } from "./usage-attribution";
import { logTypeOf, unloggedOperationNotes, unobservableReason } from "./usage-coverage";
import { FirestoreCallRow, ObservationCollector, Observations, Seen, Window, windowOf } from "./usage-observations";
import { usageMarkdown, usageText } from "./usage-render";
import { observationsOfAggregates } from "./usage-sql";
import { DeniedAttempt, GrantUsage, GrantUsageStatus, PermissionUse, UnexpectedCaller, UnusedPermission, UsageChain, UsageSummary, UsageWindowOptions } from "./usage-types";

export * from "./usage-types";

/** Gaps shorter than this are ordinary quiet hours; a day or more without any entry is worth saying. */
const GAP_MS = 24 * 60 * 60 * 1000;

/** Permissions that long-running Firestore operations need beside the one that starts them: the caller polls the operation. */
const LONG_RUNNING = new Set(["datastore.databases.export", "datastore.databases.import", "datastore.schemas.create", "datastore.schemas.update", "datastore.schemas.delete"]);
const OPERATION_PERMISSIONS = ["datastore.operations.get", "datastore.operations.list"];
/** Token subjects listed per chain: enough to recognise the workload; the count says how many there were. */
const MAX_SUBJECTS = 5;

/**
 * Granted vs used: which declared Firestore grants the audit logs show in use in a window,
 * which permissions were never used (and whether a use would have been logged at all), the
 * narrowest access level that covers what was used, the callers no declared chain explains,
 * and the calls Firestore refused, with what the simulator says is missing.
 *
 * Logs come as users have them: a JSON array of LogEntry (`gcloud logging read --format=json`),
 * one LogEntry per line (Cloud Storage sink files), or BigQuery export rows
 * (`bq query --format=json`), gzip'd or not; or as the rows of the query `usage --emit-sql`
 * prints, which lets BigQuery do the heavy part.
 */
export class UsageReport {
  /** Log texts in memory (each the whole of one file); a JSON array is parsed whole, so give files through fromLogFiles when they are large. */
  public static fromLogs(simulator: AccessSimulator, logTexts: string[], options: UsageWindowOptions): UsageReport {
    const window = windowOf(options?.since, options?.until, "UsageReport.fromLogs");
    if (!Array.isArray(logTexts)) throw new Error(`UsageReport.fromLogs: expected an array of log texts, got ${typeof logTexts}`);
    const collector = new ObservationCollector(window);
    logTexts.forEach((text, i) => {
      for (const r of recordsOfText(text, `logTexts[${i}]`)) collector.add(r);
    });
    return new UsageReport(simulator, collector.result(), window);
  }

  /** Log files, streamed one entry at a time (gzip'd files too): memory grows with distinct callers and permissions, not with the files. */
  public static async fromLogFiles(simulator: AccessSimulator, files: string[], options: UsageWindowOptions): Promise<UsageReport> {
    const window = windowOf(options?.since, options?.until, "UsageReport.fromLogFiles");
    const collector = new ObservationCollector(window);
    for (const file of files) {
      for await (const r of recordsOfFile(file)) collector.add(r);
    }
    return new UsageReport(simulator, collector.result(), window);
  }

  /** The JSON result (`bq query --format=json`) of the query `UsageReport.emitSql` (or `usage --emit-sql`) prints. */
  public static fromAggregates(simulator: AccessSimulator, aggregatesJson: string, options: UsageWindowOptions): UsageReport {
    const window = windowOf(options?.since, options?.until, "UsageReport.fromAggregates");
    return new UsageReport(simulator, observationsOfAggregates(aggregatesJson), window);
  }

  public readonly summary: UsageSummary;
  /** Every declared Firestore grant, by environment and database. */
  public readonly grants: GrantUsage[];
  public readonly unexpected: UnexpectedCaller[];
  public readonly denied: DeniedAttempt[];

  private constructor(simulator: AccessSimulator, observations: Observations, window: Window) {
    const model = simulator._iamModel;
    const attributor = new UsageAttributor(simulator, model, observations);
    const attributions = observations.firestore.map((row) => attributor.attribute(row));
    this.summary = summaryOf(observations, window);
    this.grants = sortGrants(attributor.declared.map((g) => grantUsage(model, attributor, g, attributions)));
    this.unexpected = [...unexpectedOf(attributor, attributions), ...undeclaredImpersonationsOf(attributor, observations)];
    this.denied = deniedOf(attributor, attributions);
  }

  /** True when a grant is unused, could be narrower, or a caller is unexpected: the CLI exits 1. */
  public get hasFindings(): boolean {
    return this.unexpected.length > 0 || this.grants.some((g) => g.status === GrantUsageStatus.UNUSED || g.recommendation !== "");
  }

  /** Environments of the grants and findings, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments([...this.grants, ...this.unexpected, ...this.denied].map((x) => x.environment));
  }

  /** Plain text for a terminal: the coverage, then per environment and database each grant, then unexpected callers and denied attempts. */
  public toText(): string {
    return usageText(this);
  }

  /** Markdown for a review: the coverage, a table of grants per environment ("Used in the window"), unexpected callers, denied attempts. */
  public toMarkdown(): string {
    return usageMarkdown(this);
  }

  /** `{ summary, grants, unexpected, denied }`, deterministic order. */
  public toJson(): string {
    return JSON.stringify({ summary: this.summary, grants: this.grants, unexpected: this.unexpected, denied: this.denied }, null, 2) + "\n";
  }
}

function summaryOf(o: Observations, window: Window): UsageSummary {
  const days = [...o.days.keys()];
  const times = [...o.firestore, ...o.exchanges, ...o.impersonations];
  const firstEntry = times.reduce((m, r) => (m === "" || r.first < m ? r.first : m), "");
  const lastEntry = times.reduce((m, r) => (r.last > m ? r.last : m), "");
  const gaps: string[] = [];
  const since = window.since.getTime();
  const until = window.until.getTime();
  if (o.entries === 0) gaps.push("no entries at all in the window");
  else {
    // Day entries only tell which days had entries; the first and last entries of any kind bound them.
    const first = firstEntry !== "" ? Date.parse(firstEntry) : Date.parse(`${days[0]}T00:00:00Z`);
    const last = lastEntry !== "" ? Date.parse(lastEntry) : Date.parse(`${days[days.length - 1]}T23:59:59Z`);
    if (first - since >= GAP_MS) gaps.push(`the logs start ${dayCount(first - since)} after --since (first entry ${new Date(first).toISOString()})`);
    if (until - last >= GAP_MS) gaps.push(`the logs end ${dayCount(until - last)} before --until (last entry ${new Date(last).toISOString()})`);
    const have = new Set(days);
    let run: string[] = [];
    const flush = () => {
      if (run.length > 0) gaps.push(run.length === 1 ? `no entries at all on ${run[0]}` : `no entries at all from ${run[0]} to ${run[run.length - 1]} (${run.length} days)`);
      run = [];
    };
    // Whole UTC days strictly between the first and last entry with no entry of any service.
    for (let t = Date.UTC(new Date(first).getUTCFullYear(), new Date(first).getUTCMonth(), new Date(first).getUTCDate()) + GAP_MS; t + GAP_MS <= last; t += GAP_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (have.has(day)) flush();
      else run.push(day);
    }
    flush();
  }
  return {
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    entries: o.entries,
    outsideWindow: o.outside,
    firestoreChecks: o.firestore.reduce((n, r) => n + r.calls, 0),
    firstEntry,
    lastEntry,
    gaps,
  };
}

function dayCount(ms: number): string {
  const days = ms / GAP_MS;
  return days >= 2 ? `${Math.floor(days)} days` : "more than a day";
}

function merge(into: Map<string, { calls: number; first: string; last: string }>, key: string, s: Seen): void {
  const prior = into.get(key);
  if (!prior) into.set(key, { calls: s.calls, first: s.first, last: s.last });
  else {
    prior.calls += s.calls;
    if (s.first < prior.first) prior.first = s.first;
    if (s.last > prior.last) prior.last = s.last;
  }
}

function grantUsage(model: IamModel, attributor: UsageAttributor, g: DeclaredGrant, attributions: readonly Attribution[]): GrantUsage {
  const used = new Map<string, { calls: number; first: string; last: string }>();
  /** Permissions an entry without authorizationInfo may have used (a Commit: create, update or delete). */
  const maybe = new Set<string>();
  const chains = new Map<string, UsageChain & { calls: number }>();
  for (const a of attributions) {
    if (a.kind !== "credited" || a.grant !== g) continue;
    if (a.permissions.length === 1) merge(used, a.permissions[0], a.row);
    else for (const p of a.permissions) if (g.permissions.includes(p)) maybe.add(p);
    const key = `${a.identity}\n${a.link?.address ?? ""}`;
    const prior = chains.get(key);
    if (prior) prior.calls += a.row.calls;
    else {
      chains.set(key, {
        identity: a.identity,
        tokenSubjects: attributor.subjectsOf(a.identity).slice(0, MAX_SUBJECTS),
        tokenSubjectCount: attributor.subjectsOf(a.identity).length,
        serviceAccount: a.link ? a.row.caller.toLowerCase() : "",
        impersonationAddress: a.link?.address ?? "",
        impersonationConstructPath: a.link?.constructPath ?? "",
        impersonationMember: a.link?.member ?? "",
        calls: a.row.calls,
        tokensMinted: a.link ? attributor.tokensMinted(a.identity, a.row.caller) : 0,
      });
    }
  }
  const members = [...g.model.members];
  const usedList: PermissionUse[] = [...used.keys()].sort().map((p) => ({ permission: p, calls: used.get(p)!.calls, firstSeen: used.get(p)!.first, lastSeen: used.get(p)!.last }));
  const unused: UnusedPermission[] = g.permissions
    .filter((p) => !used.has(p))
    .map((p) => {
      const logType = logTypeOf(p);
      const reason = maybe.has(p) ? `entries of a write method without authorizationInfo may have used it` : unobservableReason(model, g.project, logType, members);
      return { permission: p, logType, observable: reason === "", reason };
    });
  const status =
    usedList.length > 0 || maybe.size > 0 ? GrantUsageStatus.USED : unused.every((u) => u.observable) ? GrantUsageStatus.UNUSED : GrantUsageStatus.NOT_OBSERVABLE;
  const { level, custom, recommendation } = narrowest(g, usedList.map((u) => u.permission), unused, status);
  const path = g.model.resource.path === g.model.resource.address ? "" : g.model.resource.path;
  return {
    environment: g.environment,
    stack: g.model.stack.name,
    address: g.model.resource.address,
    constructPath: path,
    project: g.project,
    database: g.database,
    role: g.model.role,
    members,
    status,
    used: usedList,
    unused,
    chains: [...chains.values()].sort((a, b) => (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0)),
    narrowestLevel: level,
    customRolePermissions: custom,
    recommendation,
    notes: unloggedOperationNotes(g.permissions),
  };
}

/**
 * The narrowest access level whose role holds every used permission, or a custom role of
 * the used permissions (plus operation polling for long-running ones) when none does. A
 * narrower grant is only recommended when every permission it would drop is observable:
 * otherwise the logs cannot tell that it is unused.
 */
function narrowest(g: DeclaredGrant, used: readonly string[], unused: readonly UnusedPermission[], status: GrantUsageStatus): { level: string; custom: string[]; recommendation: string } {
  const where = `${g.model.stack.name} ${g.model.resource.address}`;
  if (status === GrantUsageStatus.UNUSED) return { level: "", custom: [], recommendation: `remove ${g.model.role} (${where}): nothing used it in the window, and every use would have been logged` };
  if (used.length === 0) return { level: "", custom: [], recommendation: "" };
  // EXPORT has no predefined role: the library declares a custom role of EXPORT_PERMISSIONS for it.
  const levels = (Object.values(FirestoreAccessLevel) as FirestoreAccessLevel[])
    .map((level) => {
      const role = FIRESTORE_ACCESS_ROLES[level];
      return role !== undefined
        ? { level, role, permissions: predefinedRolePermissionSet(role) }
        : { level, role: "the library's export custom role", permissions: new Set<string>(EXPORT_PERMISSIONS) as ReadonlySet<string> };
    })
    .filter((l) => used.every((p) => l.permissions.has(p)) && ACCESS_LEVEL_PERMISSIONS[l.level].length > 0)
    .sort((a, b) => a.permissions.size - b.permissions.size);
  const best = levels[0];
  const dropped = (kept: ReadonlySet<string>) => unused.filter((u) => !kept.has(u.permission));
  const blind = (kept: ReadonlySet<string>) => dropped(kept).filter((u) => !u.observable);
  if (best) {
    if (best.role === g.model.role || dropped(best.permissions).length === 0) return { level: best.level, custom: [], recommendation: "" };
    const hidden = blind(best.permissions);
    if (hidden.length > 0) return { level: best.level, custom: [], recommendation: "" };
    return { level: best.level, custom: [], recommendation: `grant ${best.level} (${best.role}) instead of ${g.model.role} (${where}): only ${used.join(", ")} ${used.length === 1 ? "was" : "were"} used` };
  }
  const custom = [...new Set([...used, ...(used.some((p) => LONG_RUNNING.has(p)) ? OPERATION_PERMISSIONS : [])])].sort();
  const kept = new Set(custom);
  if (blind(kept).length > 0 || dropped(kept).length === 0) return { level: "", custom, recommendation: "" };
  return { level: "", custom, recommendation: `a custom role with ${custom.join(", ")} would cover what was used instead of ${g.model.role} (${where})` };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortGrants(grants: GrantUsage[]): GrantUsage[] {
  const envs = sortEnvironments(grants.map((g) => g.environment));
  return grants.sort((a, b) => envs.indexOf(a.environment) - envs.indexOf(b.environment) || byText(a.database, b.database) || byText(a.role, b.role) || byText(a.address, b.address) || byText(a.stack, b.stack));
}

function unexpectedOf(attributor: UsageAttributor, attributions: readonly Attribution[]): UnexpectedCaller[] {
  const byKey = new Map<string, { row: FirestoreCallRow; reason: string; permissions: Set<string>; seen: { calls: number; first: string; last: string } }>();
  for (const a of attributions) {
    if (a.kind !== "unexpected") continue;
    const key = `${a.row.database}\n${a.row.caller}\n${a.row.origin}\n${a.reason}`;
    let u = byKey.get(key);
    if (!u) byKey.set(key, (u = { row: a.row, reason: a.reason, permissions: new Set(), seen: { calls: 0, first: a.row.first, last: a.row.last } }));
    u.permissions.add(a.row.permission || a.row.method);
    merge(new Map([["x", u.seen]]), "x", a.row);
  }
  return [...byKey.keys()].sort().map((k) => {
    const u = byKey.get(k)!;
    return {
      environment: attributor.environmentOfDatabase(u.row.database),
      database: u.row.database,
      caller: u.row.caller,
      origin: u.row.origin,
      permissions: [...u.permissions].sort(),
      calls: u.seen.calls,
      firstSeen: u.seen.first,
      lastSeen: u.seen.last,
      reason: u.reason,
    };
  });
}

function deniedOf(attributor: UsageAttributor, attributions: readonly Attribution[]): DeniedAttempt[] {
  return attributions
    .filter((a): a is Extract<Attribution, { kind: "denied" }> => a.kind === "denied")
    .map((a) => ({
      environment: attributor.environmentOfDatabase(a.row.database),
      database: a.row.database,
      caller: a.row.caller,
      origin: a.row.origin,
      permission: a.row.permission || a.row.method,
      calls: a.row.calls,
      firstSeen: a.row.first,
      lastSeen: a.row.last,
      missing: [...a.missing],
    }))
    .sort((a, b) => byText(a.database, b.database) || byText(a.caller, b.caller) || byText(a.permission, b.permission) || byText(a.origin, b.origin));
}

function undeclaredImpersonationsOf(attributor: UsageAttributor, observations: Observations): UnexpectedCaller[] {
  return attributor.undeclaredImpersonations(observations).map(({ row, grant }) => ({
    environment: grant.environment,
    database: grant.database,
    caller: row.caller,
    origin: "",
    permissions: ["iam.serviceAccounts.getAccessToken"],
    calls: row.calls,
    firstSeen: row.first,
    lastSeen: row.last,
    reason: `${row.caller} minted tokens for ${row.serviceAccount} (${row.method}), which holds ${grant.model.role} on ${grant.database}, and no declared binding lets it impersonate that account`,
  }));
}
