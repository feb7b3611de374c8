import { CUSTOM_ROLE_TYPES, IamGrant, grantTargetAttribute, iamGrants } from "./iam-grants";
import { isPredefinedRole, predefinedRolePermissionSet } from "./role-permissions";
import { ParsedMember, PoolRef, parseMember, projectOfServiceAccount, serviceAccountEmailFromId, serviceAccountEmailOf } from "./members";
import { StackModel, TfResource, block, blocks, isLiteral } from "./terraform-json";
import { DenyRules, denyRulesOf } from "./deny-policies";

/** A workload identity pool provider as Terraform will create it, references resolved where they can be. */
export interface ProviderModel {
  readonly stack: StackModel;
  readonly resource: TfResource;
  readonly pool: PoolRef;
  readonly providerId: string;
  /** `oidc.issuer_uri`; empty for providers that are not OIDC (AWS, SAML, X.509). */
  readonly issuer: string;
  readonly allowedAudiences: readonly string[];
  readonly attributeMapping: { readonly [key: string]: string };
  readonly attributeCondition?: string;
  readonly disabled: boolean;
  /** The pool's project number, when a state or the options give it: the default audience names the project by it. */
  readonly projectNumber?: string;
  /** What Terraform fills in that admission depends on (a mapping or audiences given as a reference, count/for_each). */
  readonly unresolved: readonly string[];
}

/** One IAM grant with everything a reader needs resolved: what it is on, to whom, under which condition. */
export interface GrantModel {
  readonly stack: StackModel;
  readonly resource: TfResource;
  readonly level: IamGrant["level"];
  /** What the policy is on: a project id, a service account email, a bucket, a folder... */
  readonly target: string;
  readonly role: string;
  readonly members: readonly string[];
  readonly parsedMembers: readonly ParsedMember[];
  readonly condition?: string;
}

export interface AuditConfigModel {
  readonly stack: StackModel;
  readonly resource: TfResource;
  readonly project: string;
  readonly service: string;
  /** Each `audit_log_config`: a log type and the members whose entries it leaves out. */
  readonly logs: ReadonlyArray<{ readonly logType: string; readonly exemptedMembers: readonly string[] }>;
}

export interface OrgPolicyModel {
  readonly stack: StackModel;
  readonly resource: TfResource;
  /** `projects/P`, `folders/F` or `organizations/O`. */
  readonly parent: string;
  /** The constraint, e.g. `iam.disableServiceAccountKeyCreation`. */
  readonly constraint: string;
  /** A boolean constraint's rule says enforce (literally true). */
  readonly enforced: boolean;
  /** A list constraint's allowed values; undefined when the policy lists none. */
  readonly allowedValues?: readonly string[];
  /** A list constraint's rule denies every value. */
  readonly denyAll: boolean;
}

/**
 * The one read-only model of the IAM that synthesized Terraform declares, over one stack or
 * every stack of an app: workload identity pools and providers, service accounts, grants
 * at every level with their conditions, custom roles, Data Access audit configs and org
 * policies. The simulator, the guardrails, the access report and the matchers read IAM
 * only through it. References resolve within their own stack (cdktf reuses logical ids
 * across stacks built by the same code).
 */
export class IamModel {
  public static of(stacks: readonly StackModel[]): IamModel {
    return stacks.length === 1 ? IamModel.ofStack(stacks[0]) : new IamModel(stacks);
  }

  /** The model of one stack, built once and shared by every rule and matcher that reads it. */
  public static ofStack(stack: StackModel): IamModel {
    let model = single.get(stack);
    if (!model) single.set(stack, (model = new IamModel([stack])));
    return model;
  }

  private cache: {
    providers?: readonly ProviderModel[];
    grants?: readonly GrantModel[];
    customRoles?: ReadonlyMap<string, ReadonlySet<string>>;
    auditConfigs?: readonly AuditConfigModel[];
    orgPolicies?: readonly OrgPolicyModel[];
    accounts?: { readonly all: readonly string[]; readonly disabled: ReadonlySet<string> };
    denyRules?: DenyRules;
    disabledPools?: ReadonlySet<string>;
    byMemberKey?: Map<string, GrantModel[]>;
    position?: Map<GrantModel, number>;
    byIssuer?: Map<string, ProviderModel[]>;
  } = {};
  private readonly firestoreRoles = new Map<string, boolean>();

  // Each part is read from the stacks on first use: a guardrail that needs custom roles only does not pay for the rest.
  private constructor(public readonly stacks: readonly StackModel[]) {}

  public get providers(): readonly ProviderModel[] {
    return (this.cache.providers ??= this.stacks.flatMap(providersOf));
  }

  public get grants(): readonly GrantModel[] {
    return (this.cache.grants ??= this.stacks.flatMap(grantsOf));
  }

  /** Custom role name (`projects/P/roles/R`, `organizations/O/roles/R`) → its permissions. */
  public get customRoles(): ReadonlyMap<string, ReadonlySet<string>> {
    return (this.cache.customRoles ??= new Map(this.stacks.flatMap(customRolesOf)));
  }

  public get auditConfigs(): readonly AuditConfigModel[] {
    return (this.cache.auditConfigs ??= this.stacks.flatMap(auditConfigsOf));
  }

  public get orgPolicies(): readonly OrgPolicyModel[] {
    return (this.cache.orgPolicies ??= this.stacks.flatMap(orgPoliciesOf));
  }

  /** Emails (lower case) of the service accounts the stacks create or name in a grant. */
  public get serviceAccounts(): readonly string[] {
    return this.accounts().all;
  }

  /** Emails of service accounts declared with `disabled = true`: nobody can act as them. */
  public get disabledServiceAccounts(): ReadonlySet<string> {
    return this.accounts().disabled;
  }

  /** The rules of every IAM deny policy (google_iam_deny_policy), indexed by the project they are attached to. */
  public get denyRules(): DenyRules {
    return (this.cache.denyRules ??= new DenyRules(this.stacks.flatMap(denyRulesOf)));
  }

  /**
   * Workload identity pools declared with `disabled = true`, as `PROJECT/POOL_ID` (project as
   * the stack names it): "You cannot use a disabled pool to exchange tokens, or use existing
   * tokens to access resources" (REST reference of projects.locations.workloadIdentityPools,
   * https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools).
   */
  public get disabledPools(): ReadonlySet<string> {
    if (!this.cache.disabledPools) {
      const out = new Set<string>();
      for (const stack of this.stacks) {
        for (const pool of stack.ofType("google_iam_workload_identity_pool")) {
          if (!isTrue(pool.config.disabled) || isCountedOut(pool)) continue;
          out.add(`${stack.projectOf(pool) ?? ""}/${text(stack, pool.config.workload_identity_pool_id)}`);
        }
      }
      this.cache.disabledPools = out;
    }
    return this.cache.disabledPools;
  }

  /**
   * Whether the pool a member names is declared disabled: "yes" when project and pool id are
   * as written; "unknown" when the member names the project by number (or a reference) and a
   * pool of that id is disabled in some project, which only apply can tell apart.
   */
  public isPoolDisabled(pool: PoolRef): "yes" | "no" | "unknown" {
    if (this.disabledPools.size === 0) return "no";
    if (this.disabledPools.has(`${pool.project}/${pool.poolId}`)) return "yes";
    const loose = pool.project.includes("${") || /^[0-9]+$/.test(pool.project);
    return loose && [...this.disabledPools].some((k) => k.slice(k.lastIndexOf("/") + 1) === pool.poolId) ? "unknown" : "no";
  }

  private accounts(): { readonly all: readonly string[]; readonly disabled: ReadonlySet<string> } {
    if (this.cache.accounts) return this.cache.accounts;
    const all = new Set<string>();
    const disabled = new Set<string>();
    for (const stack of this.stacks) {
      for (const sa of stack.ofType("google_service_account")) {
        const email = stack.resolve(`\${${sa.address}.email}`);
        if (email.includes("${")) continue;
        all.add(email.toLowerCase());
        if (isTrue(sa.config.disabled) && !isCountedOut(sa)) disabled.add(email.toLowerCase());
      }
    }
    for (const g of this.grants) {
      if (g.level === "service_account" && !g.target.includes("${")) all.add(g.target);
      for (const m of g.members) {
        const email = serviceAccountEmailOf(m);
        if (email && !email.includes("${")) all.add(email);
      }
    }
    return (this.cache.accounts = { all: [...all].sort(), disabled });
  }

  private memberIndex(): { readonly byMemberKey: Map<string, GrantModel[]>; readonly position: Map<GrantModel, number> } {
    if (!this.cache.byMemberKey || !this.cache.position) {
      const byMemberKey = new Map<string, GrantModel[]>();
      const position = new Map<GrantModel, number>();
      this.grants.forEach((g, i) => {
        position.set(g, i);
        for (const key of new Set(g.parsedMembers.flatMap(memberKeysOf))) {
          let list = byMemberKey.get(key);
          if (!list) byMemberKey.set(key, (list = []));
          list.push(g);
        }
      });
      this.cache.byMemberKey = byMemberKey;
      this.cache.position = position;
    }
    return { byMemberKey: this.cache.byMemberKey, position: this.cache.position };
  }

  /**
   * The grants naming a member under one of these keys (see memberKeyOf), each once, in
   * model order: what a question about one identity needs to look at, instead of every grant.
   */
  public grantsWithMemberKeys(keys: readonly string[]): GrantModel[] {
    const { byMemberKey, position } = this.memberIndex();
    const lists = keys.map((k) => byMemberKey.get(k)).filter((l): l is GrantModel[] => l !== undefined && l.length > 0);
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0];
    const found = new Set<GrantModel>(lists.flat());
    return [...found].sort((a, b) => position.get(a)! - position.get(b)!);
  }

  /** Providers whose issuer is this one, plus those whose issuer only apply will tell. */
  public providersTrusting(issuer: unknown): readonly ProviderModel[] {
    let byIssuer = this.cache.byIssuer;
    if (!byIssuer) {
      byIssuer = this.cache.byIssuer = new Map();
      for (const p of this.providers) {
        const key = p.issuer.includes("${") ? UNRESOLVED : p.issuer;
        byIssuer.set(key, [...(byIssuer.get(key) ?? []), p]);
      }
    }
    const exact = typeof issuer === "string" ? byIssuer.get(issuer) ?? [] : [];
    const unresolved = byIssuer.get(UNRESOLVED) ?? [];
    return unresolved.length === 0 ? exact : [...exact, ...unresolved];
  }

  /**
   * The permissions a role holds, as far as the simulator evaluates them: predefined roles
   * from Google's role data, custom roles declared in these stacks from their permissions;
   * undefined for a custom role declared elsewhere or a role Terraform fills in.
   */
  public permissionsOf(role: string): ReadonlySet<string> | undefined {
    if (role.includes("${")) return undefined;
    if (isPredefinedRole(role)) return predefinedRolePermissionSet(role);
    return this.customRoles.get(role) ?? (/^(projects|organizations)\/[^/]+\/roles\/[^/]+$/.test(role) ? undefined : NO_PERMISSIONS);
  }

  /** Does the role hold any Firestore (`datastore.*`) permission? Unknown roles do not count. */
  public isFirestoreRole(role: string): boolean {
    let answer = this.firestoreRoles.get(role);
    if (answer === undefined) this.firestoreRoles.set(role, (answer = [...(this.permissionsOf(role) ?? NO_PERMISSIONS)].some((p) => p.startsWith("datastore."))));
    return answer;
  }

  /** Service accounts of one project, as far as the stacks show them. */
  public serviceAccountsOfProject(project: string): string[] {
    return this.serviceAccounts.filter((e) => projectOfServiceAccount(e) === project);
  }
}

const single = new WeakMap<StackModel, IamModel>();
const NO_PERMISSIONS: ReadonlySet<string> = new Set();
const UNRESOLVED = "\u0000unresolved";
/** Index key of members Terraform fills in: every identity must look at them, as "unknown". */
export const UNRESOLVED_MEMBER = "unresolved";
/** Index key of every group member: an identity whose groups nobody gave may be in any of them. */
export const ANY_GROUP = "group:*";

/**
 * The index keys of a member: federated members by pool id (their project may be a number
 * or an id, compared later), Google identities by type and email (groups also under one
 * key for all), public ones together, references Terraform fills in together.
 */
export function memberKeysOf(m: ParsedMember): string[] {
  if (m.kind === "federated") return [`pool:${m.pool.poolId}`];
  // An email Terraform fills in (`serviceAccount:${…email}`) may be anyone's: every identity looks at it (known-kinds.ts judges it).
  if (m.kind === "google" && m.raw.includes("${")) return [UNRESOLVED_MEMBER];
  if (m.kind === "google") return m.type === "group" ? [`group:${m.value}`, ANY_GROUP] : [`${m.type}:${m.value}`];
  if (m.kind === "public") return ["public"];
  return m.raw.includes("${") ? [UNRESOLVED_MEMBER] : [];
}

/** A project named by number, as its id when what is deployed says which; so a pool or grant compares by one name. */
function projectIdOf(stack: StackModel, project: string): string {
  return stack.deployed ? stack.deployed.facts.projectId(project) : project;
}

/** A member as the model compares it: a pool named by project number is named by the project's id when it is known. */
function canonicalMember(stack: StackModel, m: ParsedMember): ParsedMember {
  if (m.kind !== "federated" || !stack.deployed) return m;
  const project = projectIdOf(stack, m.pool.project);
  return project === m.pool.project ? m : { ...m, pool: { ...m.pool, project } };
}

function text(stack: StackModel, value: unknown): string {
  return typeof value === "string" ? stack.resolve(value) : "";
}

function providersOf(stack: StackModel): ProviderModel[] {
  return stack
    .ofType("google_iam_workload_identity_pool_provider")
    .filter((resource) => !isCountedOut(resource))
    .map((resource) => {
      const c = resource.config;
      const oidc = block(c.oidc);
      const mapping: { [key: string]: string } = {};
      const unresolved: string[] = [];
      if (typeof c.attribute_mapping === "string") unresolved.push(`attribute_mapping is ${c.attribute_mapping}, which Terraform fills in`);
      else for (const [k, v] of Object.entries((c.attribute_mapping ?? {}) as object)) if (typeof v === "string") mapping[k] = stack.resolve(v);
      if (typeof oidc?.allowed_audiences === "string") unresolved.push(`allowed_audiences is ${oidc.allowed_audiences}, which Terraform fills in`);
      if (c.count !== undefined || c.for_each !== undefined) unresolved.push("the provider has count or for_each, which Terraform expands");
      const project = projectIdOf(stack, stack.projectOf(resource) ?? "");
      return {
        stack,
        resource,
        pool: { project, poolId: text(stack, c.workload_identity_pool_id) },
        providerId: text(stack, c.workload_identity_pool_provider_id),
        issuer: text(stack, oidc?.issuer_uri),
        allowedAudiences: Array.isArray(oidc?.allowed_audiences) ? oidc.allowed_audiences.map((a: unknown) => text(stack, a)) : [],
        attributeMapping: mapping,
        attributeCondition: typeof c.attribute_condition === "string" && c.attribute_condition !== "" ? stack.resolve(c.attribute_condition) : undefined,
        disabled: isTrue(c.disabled) || isPoolDisabled(stack, resource, c.workload_identity_pool_id),
        projectNumber: stack.deployed?.facts.numberOf(project),
        unresolved,
      };
    });
}

/** `count = 0` (literally) turns a resource off; Terraform creates nothing. */
function isCountedOut(resource: TfResource): boolean {
  return resource.config.count === 0 || resource.config.count === "0";
}

/**
 * Whether the provider's pool is declared disabled, however the provider names it: a
 * reference to the pool resource, or the pool's literal id (then the pool of that id in the
 * provider's project, in this stack).
 */
function isPoolDisabled(stack: StackModel, provider: TfResource, poolId: unknown): boolean {
  const ref = stack.referenced(poolId);
  if (ref) return ref.resource.type === "google_iam_workload_identity_pool" && isTrue(ref.resource.config.disabled);
  const id = text(stack, poolId);
  const project = stack.projectOf(provider);
  return stack
    .ofType("google_iam_workload_identity_pool")
    .some((pool) => isTrue(pool.config.disabled) && text(stack, pool.config.workload_identity_pool_id) === id && stack.projectOf(pool) === project);
}

function targetOf(stack: StackModel, g: IamGrant): string {
  const c = g.resource.config;
  if (g.level === "project") return projectIdOf(stack, stack.projectOf(g.resource) ?? "");
  if (g.level === "service_account") {
    const email = serviceAccountEmailFromId(text(stack, c.service_account_id));
    return stack.deployed ? stack.deployed.facts.serviceAccountEmail(email) : email;
  }
  const attribute = grantTargetAttribute(g.resource.type);
  return attribute ? text(stack, c[attribute]) : g.resource.address;
}

function grantsOf(stack: StackModel): GrantModel[] {
  return iamGrants(stack).filter((g) => !isCountedOut(g.resource)).map((g) => {
    const members = g.members.map((m) => stack.resolve(m));
    return {
      stack,
      resource: g.resource,
      level: g.level,
      target: targetOf(stack, g),
      role: stack.resolve(g.role),
      members,
      parsedMembers: members.map((m) => canonicalMember(stack, parseMember(m))),
      condition: g.condition === undefined ? undefined : stack.resolve(g.condition),
    };
  });
}

function customRolesOf(stack: StackModel): Array<[string, ReadonlySet<string>]> {
  const out: Array<[string, ReadonlySet<string>]> = [];
  for (const type of CUSTOM_ROLE_TYPES) {
    for (const role of stack.ofType(type)) {
      const name = stack.resolve(`\${${role.address}.name}`);
      const permissions = Array.isArray(role.config.permissions) ? role.config.permissions.filter(isLiteral) : [];
      // A disabled or deleted custom role grants nothing, whoever holds it.
      const off = role.config.deleted === true || role.config.stage === "DISABLED";
      if (!name.includes("${")) out.push([name, new Set(off ? [] : permissions)]);
    }
  }
  return out;
}

function auditConfigsOf(stack: StackModel): AuditConfigModel[] {
  return stack.ofType("google_project_iam_audit_config").map((resource) => {
    const logs = blocks(resource.config.audit_log_config);
    return {
      stack,
      resource,
      project: projectIdOf(stack, stack.projectOf(resource) ?? ""),
      service: text(stack, resource.config.service),
      logs: logs.map((l) => ({
        logType: text(stack, l.log_type),
        exemptedMembers: Array.isArray(l.exempted_members) ? l.exempted_members.map((m: unknown) => text(stack, m)) : [],
      })),
    };
  });
}

const isTrue = (v: unknown) => v === true || v === "TRUE" || v === "true";

function orgPoliciesOf(stack: StackModel): OrgPolicyModel[] {
  const v2 = stack.ofType("google_org_policy_policy").map((resource) => {
    const name = text(stack, resource.config.name);
    const rules = blocks(block(resource.config.spec)?.rules);
    const allowed = rules.flatMap((r) => {
      const values = block(r.values)?.allowed_values;
      return Array.isArray(values) ? values.map((v: unknown) => text(stack, v)) : [];
    });
    return {
      stack,
      resource,
      parent: text(stack, resource.config.parent),
      constraint: name.slice(name.lastIndexOf("/") + 1),
      enforced: rules.some((r) => isTrue(r.enforce)),
      allowedValues: rules.some((r) => block(r.values)?.allowed_values !== undefined) ? allowed : undefined,
      denyAll: rules.some((r) => isTrue(r.deny_all)),
    };
  });
  const v1 = stack.ofType("google_project_organization_policy").map((resource) => {
    const list = block(resource.config.list_policy);
    const allow = block(list?.allow);
    return {
      stack,
      resource,
      parent: `projects/${stack.projectOf(resource) ?? ""}`,
      constraint: text(stack, resource.config.constraint).replace(/^constraints\//, ""),
      enforced: isTrue(block(resource.config.boolean_policy)?.enforced),
      allowedValues: Array.isArray(allow?.values) ? allow.values.map((v: unknown) => text(stack, v)) : undefined,
      denyAll: isTrue(block(list?.deny)?.all),
    };
  });
  return [...v2, ...v1];
}
