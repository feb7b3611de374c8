import { DeployedFacts, SimulatorOptions } from "../analysis/deployed-values";
import { GrantModel, IamModel } from "../analysis/iam-model";
import { parseMember } from "../analysis/members";
import { guardedReach } from "../analysis/role-permissions";
import { StackModel } from "../analysis/terraform-json";
import { LivePolicy, readAssetExport, readIamPolicy } from "../deployed/iam-policy";

/** What is deployed, for the access report and the drift report: states, project numbers, live IAM policies. */
export interface DeployedOptions extends SimulatorOptions {
  /**
   * Resource -> the JSON text of its live IAM policy: `projects/PROJECT` (`gcloud projects
   * get-iam-policy PROJECT --format=json`), `serviceAccounts/EMAIL` (`gcloud iam
   * service-accounts get-iam-policy EMAIL --format=json`), `buckets/NAME` (`gcloud storage
   * buckets get-iam-policy gs://NAME --format=json`).
   */
  readonly policies?: { [resource: string]: string };
  /** A Cloud Asset Inventory export of IAM policies (a JSON array, or one asset per line), which names its resources itself. */
  readonly assets?: string;
}

/** What kind of difference between the declared and the live IAM. */
export enum IamDriftKind {
  /** A live member on a role that reaches what this library guards, which no declared resource grants. */
  EXTRA_MEMBER = "EXTRA_MEMBER",
  /** Declared, not live. */
  MISSING_BINDING = "MISSING_BINDING",
  /** Same member and role, another condition or none. */
  CONDITION_CHANGED = "CONDITION_CHANGED",
  /** The live audit configuration lacks a declared log type, or exempts a member the code does not. */
  AUDIT_CONFIG_CHANGED = "AUDIT_CONFIG_CHANGED",
}

/** One difference between what the code declares and what a live IAM policy says. */
export interface IamDriftFinding {
  readonly kind: IamDriftKind;
  /** `projects/P`, `serviceAccounts/EMAIL` or `buckets/NAME`. */
  readonly resource: string;
  /** The role; for audit configuration, the service (e.g. `datastore.googleapis.com`). */
  readonly role: string;
  /** The member; for audit configuration, the exempted member, or empty for a missing log type. */
  readonly member: string;
  /** The live condition (EXTRA_MEMBER, CONDITION_CHANGED) or the declared one (MISSING_BINDING); undefined for none. */
  readonly condition?: string;
  /** The Terraform address that declares the binding, where there is one. */
  readonly declaredAddress?: string;
  /** The stack of that address. */
  readonly declaredStack?: string;
  readonly message: string;
}

/** What was compared and what was left out on purpose, for the summary. */
export interface DriftSummary {
  readonly resources: string[];
  /** Live member bindings on roles that reach nothing this library guards: not findings. */
  readonly outsideGuardedRoles: number;
  /** Bindings of Google's own service agents and a bucket's convenience members: Google manages them. */
  readonly googleManaged: number;
  /** Members of deleted principals: they grant nothing. */
  readonly deleted: number;
  /** Declared resources no live policy was given for. */
  readonly notChecked: string[];
}

/** Input the user must fix; the CLI exits 2 on it. */
export class DriftInputError extends Error {}

const SERVICE_AGENT = /^serviceAccount:(service-[0-9]+@[a-z0-9.-]+\.iam\.gserviceaccount\.com|[0-9]+@cloudservices\.gserviceaccount\.com)$/;
const CONVENIENCE = /^(projectOwner|projectEditor|projectViewer):/;

/** How to fetch a resource's policy with its conditions (gcloud 263.0.0 and later asks for version 3 itself). */
export function fetchCommand(resource: string): string {
  const [kind, ...rest] = resource.split("/");
  const name = rest.join("/");
  if (kind === "projects") return `gcloud projects get-iam-policy ${name} --format=json`;
  if (kind === "serviceAccounts") return `gcloud iam service-accounts get-iam-policy ${name} --format=json`;
  if (kind === "buckets") return `gcloud storage buckets get-iam-policy gs://${name} --format=json`;
  return `gcloud asset export --content-type=iam-policy ...`;
}

/** The facts every stack of a load shares (empty when nothing deployed was given). */
export function factsOf(stacks: readonly StackModel[]): DeployedFacts {
  const shared = stacks.find((s) => s.deployed)?.deployed?.facts;
  return shared instanceof DeployedFacts ? shared : new DeployedFacts();
}

/** A resource name as given (`projects/P`, `gs://B`, `projects/P/serviceAccounts/E`...) or as an asset names it, as drift keys it. */
export function resourceKey(name: string, facts: DeployedFacts, source: string): string | undefined {
  const stripped = name.replace(/^\/\/[a-z.]+\.googleapis\.com\//, "");
  let m = /^projects\/([^/]+)$/.exec(stripped);
  if (m) {
    const project = facts.projectId(m[1]);
    if (/^[0-9]+$/.test(project)) throw new DriftInputError(`${source}: ${name} names project number ${project}; give the states (--state) or --project-number PROJECT=${project} so it can be compared`);
    return `projects/${project}`;
  }
  m = /^(?:projects\/[^/]+\/)?serviceAccounts\/([^/]+)$/.exec(stripped);
  if (m) {
    const email = facts.serviceAccountEmail(m[1]).toLowerCase();
    if (!email.includes("@")) throw new DriftInputError(`${source}: ${name} names a service account by unique id ${email}; give the state of the stack that creates it (--state)`);
    return `serviceAccounts/${email}`;
  }
  m = /^(?:gs:\/\/|buckets\/|projects\/_\/buckets\/)?([a-z0-9][a-z0-9._-]*)$/.exec(stripped);
  if (m && (name.startsWith("//storage.googleapis.com/") || /^(gs:\/\/|buckets\/)/.test(name))) return `buckets/${m[1]}`;
  return undefined;
}

/** The resource a declared grant edits the policy of, keyed as resourceKey keys it. */
function declaredKey(g: GrantModel): string | undefined {
  if (g.level === "project") return `projects/${g.target}`;
  if (g.level === "service_account") return `serviceAccounts/${g.target}`;
  if (g.level === "storage_bucket") return `buckets/${g.target}`;
  return undefined;
}

/** A condition as drift compares it: spaces collapsed, projects named by number named by id where the number is known. */
function conditionKeyer(facts: DeployedFacts): (c: string | undefined) => string {
  return (c) => (c === undefined ? "" : c.trim().replace(/\s+/g, " ").replace(/projects\/([0-9]+)\//g, (_w, n: string) => `projects/${facts.projectId(n)}/`));
}

/** The live policies given, by resource key. */
export function livePolicies(options: DeployedOptions, facts: DeployedFacts, sourceOf: (resource: string) => string): Map<string, LivePolicy> {
  const out = new Map<string, LivePolicy>();
  for (const [resource, text] of Object.entries(options.policies ?? {})) {
    const source = sourceOf(resource);
    if (typeof text !== "string") throw new DriftInputError(`${source}: policies[${JSON.stringify(resource)}] must be the JSON text of a policy`);
    const key = resourceKey(resource, facts, source);
    if (!key) throw new DriftInputError(`${source}: ${resource} is not projects/PROJECT, serviceAccounts/EMAIL or buckets/NAME`);
    out.set(key, readPolicy(text, source));
  }
  if (options.assets !== undefined) {
    for (const asset of readAssetExport(options.assets, sourceOf("assets"))) {
      const key = resourceKey(asset.name, facts, asset.policy.source);
      if (key) out.set(key, asset.policy);
    }
  }
  return out;
}

function readPolicy(text: string, source: string): LivePolicy {
  try {
    return readIamPolicy(text, source);
  } catch (e) {
    throw new DriftInputError((e as Error).message);
  }
}

interface Declared {
  readonly role: string;
  readonly member: string;
  readonly key: string;
  readonly condition: string;
  readonly grant: GrantModel;
}

/**
 * Compares each live policy with what the stacks declare for its resource. Throws
 * DriftInputError when a comparison cannot be honest: a version-1 read that hides
 * conditions, a declared member Terraform still has to fill in, a pool named by a project
 * number nothing maps.
 */
export function compareIam(stacks: readonly StackModel[], live: ReadonlyMap<string, LivePolicy>): { findings: IamDriftFinding[]; summary: DriftSummary } {
  const model = IamModel.of(stacks);
  const facts = factsOf(stacks);
  const declaredBy = new Map<string, GrantModel[]>();
  for (const g of model.grants) {
    const key = declaredKey(g);
    if (key) declaredBy.set(key, [...(declaredBy.get(key) ?? []), g]);
  }
  const findings: IamDriftFinding[] = [];
  const normalizeCondition = conditionKeyer(facts);
  const summary = { resources: [...live.keys()].sort(), outsideGuardedRoles: 0, googleManaged: 0, deleted: 0, notChecked: [...declaredBy.keys()].filter((k) => !live.has(k)).sort() };
  for (const resource of summary.resources) {
    const policy = live.get(resource)!;
    if (policy.hiddenConditions.length > 0) {
      throw new DriftInputError(
        `${policy.source}: a version-${policy.version} read of ${resource}: ${policy.hiddenConditions.join(", ")} hide their conditions (https://cloud.google.com/iam/docs/troubleshooting-withcond). ` +
          `Fetch version 3 with gcloud 263.0.0 or later, which asks for it: ${fetchCommand(resource)} (the API: getIamPolicy with options.requestedPolicyVersion = 3)`,
      );
    }
    const memberKey = memberKeyer(facts, declaredBy.get(resource) ?? [], policy.source);
    const declared: Declared[] = (declaredBy.get(resource) ?? []).flatMap((grant) =>
      grant.members.map((member) => {
        if (member.includes("${") || grant.role.includes("${") || grant.condition?.includes("${")) {
          throw new DriftInputError(
            `${grant.stack.name}: ${grant.resource.address} grants ${grant.role} to ${member}${grant.condition ? ` under \`${grant.condition}\`` : ""}, with values Terraform fills in at apply; give that stack's state (--state ${grant.stack.name}=FILE) to compare it with ${resource}`,
          );
        }
        return { role: grant.role, member, key: memberKey(member), condition: normalizeCondition(grant.condition), grant };
      }),
    );
    const liveTuples = policy.bindings.flatMap((b) => b.members.map((member) => ({ role: b.role, member, condition: normalizeCondition(b.condition?.expression) })));
    const group = (role: string, key: string) => `${role}\u0000${key}`;
    const declaredGroups = new Map<string, Declared[]>();
    for (const d of declared) declaredGroups.set(group(d.role, d.key), [...(declaredGroups.get(group(d.role, d.key)) ?? []), d]);
    const liveGroups = new Map<string, Array<{ role: string; member: string; condition: string }>>();
    for (const t of liveTuples) {
      if (t.member.startsWith("deleted:")) {
        summary.deleted++;
        continue;
      }
      const k = group(t.role, memberKey(t.member));
      liveGroups.set(k, [...(liveGroups.get(k) ?? []), t]);
    }
    for (const [k, ds] of declaredGroups) {
      const lives = liveGroups.get(k);
      if (!lives) {
        for (const d of ds) {
          findings.push({
            kind: IamDriftKind.MISSING_BINDING,
            resource,
            role: d.role,
            member: d.member,
            condition: d.condition || undefined,
            declaredAddress: d.grant.resource.address,
            declaredStack: d.grant.stack.name,
            message: `${d.member} does not hold ${d.role} on ${resource}${d.condition ? ` under \`${d.condition}\`` : ""}, which ${d.grant.stack.name}: ${d.grant.resource.address} declares: removed by hand, or not applied`,
          });
        }
        continue;
      }
      const want = [...new Set(ds.map((d) => d.condition))].sort();
      const have = [...new Set(lives.map((l) => l.condition))].sort();
      if (JSON.stringify(want) === JSON.stringify(have)) continue;
      const words = (cs: string[]) => cs.map((c) => (c ? `\`${c}\`` : "no condition")).join(" and ");
      const d = ds[0];
      findings.push({
        kind: IamDriftKind.CONDITION_CHANGED,
        resource,
        role: d.role,
        member: d.member,
        condition: have.find((c) => !want.includes(c)) || undefined,
        declaredAddress: d.grant.resource.address,
        declaredStack: d.grant.stack.name,
        message:
          `${d.member} holds ${d.role} on ${resource} with ${words(have)}; ${d.grant.stack.name}: ${d.grant.resource.address} declares ${words(want)}` +
          (have.includes("") ? " (without a condition the role reaches every database of the project)" : "") +
          (have.some((c) => /projects\/[0-9]+\//.test(c)) ? " (if only a project number differs, give the states or --project-number)" : ""),
      });
    }
    for (const [k, lives] of liveGroups) {
      if (declaredGroups.has(k)) continue;
      for (const l of lives) {
        if (SERVICE_AGENT.test(l.member) || CONVENIENCE.test(l.member)) {
          summary.googleManaged++;
          continue;
        }
        const permissions = model.permissionsOf(l.role);
        const reach = permissions === undefined ? [`holds ${l.role}, a custom role not declared in these stacks, so what it reaches is unknown`] : guardedReach(permissions, resource.startsWith("buckets/"));
        if (reach.length === 0) {
          summary.outsideGuardedRoles++;
          continue;
        }
        findings.push({
          kind: IamDriftKind.EXTRA_MEMBER,
          resource,
          role: l.role,
          member: l.member,
          condition: l.condition || undefined,
          message: `${l.member} holds ${l.role} on ${resource}${l.condition ? ` under \`${l.condition}\`` : ""}, which no declared resource grants: it ${reach.join("; ")}`,
        });
      }
    }
    if (resource.startsWith("projects/")) findings.push(...auditDrift(model, resource, policy, memberKey));
  }
  return { findings: findings.sort(compareFindings), summary };
}

/** Member strings as drift compares them: emails in lower case, pools by project id where the number is known. */
function memberKeyer(facts: DeployedFacts, declared: readonly GrantModel[], source: string): (member: string) => string {
  const declaredPools = new Set(declared.flatMap((g) => g.parsedMembers.filter((m) => m.kind === "federated").map((m) => (m.kind === "federated" ? m.pool.poolId : ""))));
  return (member: string) => {
    const m = parseMember(member);
    if (m.kind === "google") return `${m.type}:${m.value}`;
    if (m.kind !== "federated") return member;
    const project = facts.projectId(m.pool.project);
    if (/^[0-9]+$/.test(project) && declaredPools.has(m.pool.poolId)) {
      throw new DriftInputError(`${source}: ${member} names its pool by project number ${project}, which no state or --project-number maps to a project; give the states (--state) or --project-number PROJECT=${project}`);
    }
    return `${m.principalSet ? "principalSet" : "principal"}:${project}/${m.pool.poolId}/${m.key}/${m.value}`;
  };
}

function auditDrift(model: IamModel, resource: string, policy: LivePolicy, memberKey: (m: string) => string): IamDriftFinding[] {
  const project = resource.slice("projects/".length);
  const declared = model.auditConfigs.filter((a) => a.project === project);
  const out: IamDriftFinding[] = [];
  const live = policy.auditConfigs ?? [];
  for (const a of declared) {
    const applying = live.filter((l) => l.service === a.service || l.service === "allServices");
    const liveTypes = new Set(applying.flatMap((l) => l.auditLogConfigs.map((c) => c.logType)));
    const where = { resource, role: a.service, declaredAddress: a.resource.address, declaredStack: a.stack.name };
    for (const log of a.logs) {
      if (!liveTypes.has(log.logType)) {
        out.push({ kind: IamDriftKind.AUDIT_CONFIG_CHANGED, ...where, member: "", message: `${resource} does not log ${log.logType} for ${a.service}, which ${a.stack.name}: ${a.resource.address} declares` });
      }
    }
    for (const l of applying) {
      for (const c of l.auditLogConfigs) {
        const allowed = new Set(a.logs.filter((d) => d.logType === c.logType).flatMap((d) => d.exemptedMembers.map(memberKey)));
        for (const m of c.exemptedMembers) {
          if (allowed.has(memberKey(m))) continue;
          out.push({
            kind: IamDriftKind.AUDIT_CONFIG_CHANGED,
            ...where,
            member: m,
            message: `${resource} exempts ${m} from ${c.logType} logs of ${l.service}${l.service === "allServices" ? ` (so of ${a.service})` : ""}, which ${a.stack.name}: ${a.resource.address} does not: its reads and writes leave no audit entry`,
          });
        }
      }
    }
  }
  return out;
}

function compareFindings(a: IamDriftFinding, b: IamDriftFinding): number {
  const ka = [a.resource, a.kind, a.role, a.member, a.condition ?? ""].join("\u0000");
  const kb = [b.resource, b.kind, b.role, b.member, b.condition ?? ""].join("\u0000");
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
