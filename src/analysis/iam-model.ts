import { IamGrant, iamGrants } from "./iam-grants";
import { ParsedMember, PoolRef, parseMember, projectOfServiceAccount, serviceAccountEmailFromId, serviceAccountEmailOf } from "./members";
import { StackModel, TfResource, block, blocks, isLiteral } from "./terraform-json";

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
  readonly logTypes: readonly string[];
  readonly exemptedMembers: readonly string[];
}

export interface OrgPolicyModel {
  readonly stack: StackModel;
  readonly resource: TfResource;
  /** `projects/P`, `folders/F` or `organizations/O`. */
  readonly parent: string;
  /** The constraint, e.g. `iam.disableServiceAccountKeyCreation`. */
  readonly constraint: string;
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
    return new IamModel(stacks);
  }

  public readonly providers: readonly ProviderModel[];
  public readonly grants: readonly GrantModel[];
  /** Custom role name (`projects/P/roles/R`, `organizations/O/roles/R`) → its permissions. */
  public readonly customRoles: ReadonlyMap<string, readonly string[]>;
  /** Emails (lower case) of the service accounts the stacks create or name in a grant. */
  public readonly serviceAccounts: readonly string[];
  public readonly auditConfigs: readonly AuditConfigModel[];
  public readonly orgPolicies: readonly OrgPolicyModel[];

  private readonly byMemberKey = new Map<string, GrantModel[]>();
  private readonly position = new Map<GrantModel, number>();
  private byIssuer?: Map<string, ProviderModel[]>;

  private constructor(public readonly stacks: readonly StackModel[]) {
    this.providers = stacks.flatMap(providersOf);
    this.grants = stacks.flatMap(grantsOf);
    this.grants.forEach((g, i) => this.position.set(g, i));
    for (const g of this.grants) {
      for (const key of new Set(g.parsedMembers.map(memberKeyOf).filter((k): k is string => k !== undefined))) {
        let list = this.byMemberKey.get(key);
        if (!list) this.byMemberKey.set(key, (list = []));
        list.push(g);
      }
    }
    this.customRoles = new Map(stacks.flatMap(customRolesOf));
    this.auditConfigs = stacks.flatMap(auditConfigsOf);
    this.orgPolicies = stacks.flatMap(orgPoliciesOf);
    const accounts = new Set<string>();
    for (const stack of stacks) {
      for (const sa of stack.ofType("google_service_account")) {
        const email = stack.resolve(`\${${sa.address}.email}`);
        if (!email.includes("${")) accounts.add(email.toLowerCase());
      }
    }
    for (const g of this.grants) {
      if (g.level === "service_account" && !g.target.includes("${")) accounts.add(g.target);
      for (const m of g.members) {
        const email = serviceAccountEmailOf(m);
        if (email && !email.includes("${")) accounts.add(email);
      }
    }
    this.serviceAccounts = [...accounts].sort();
  }

  /**
   * The grants naming a member under one of these keys (see memberKeyOf), each once, in
   * model order: what a question about one identity needs to look at, instead of every grant.
   */
  public grantsWithMemberKeys(keys: readonly string[]): GrantModel[] {
    const lists = keys.map((k) => this.byMemberKey.get(k)).filter((l): l is GrantModel[] => l !== undefined && l.length > 0);
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0];
    const found = new Set<GrantModel>(lists.flat());
    return [...found].sort((a, b) => this.position.get(a)! - this.position.get(b)!);
  }

  /** Providers whose issuer is this one, plus those whose issuer only apply will tell. */
  public providersTrusting(issuer: unknown): readonly ProviderModel[] {
    if (!this.byIssuer) {
      this.byIssuer = new Map();
      for (const p of this.providers) {
        const key = p.issuer.includes("${") ? UNRESOLVED : p.issuer;
        this.byIssuer.set(key, [...(this.byIssuer.get(key) ?? []), p]);
      }
    }
    const exact = typeof issuer === "string" ? this.byIssuer.get(issuer) ?? [] : [];
    const unresolved = this.byIssuer.get(UNRESOLVED) ?? [];
    return unresolved.length === 0 ? exact : [...exact, ...unresolved];
  }

  /** Service accounts of one project, as far as the stacks show them. */
  public serviceAccountsOfProject(project: string): string[] {
    return this.serviceAccounts.filter((e) => projectOfServiceAccount(e) === project);
  }
}

const UNRESOLVED = "\u0000unresolved";

/**
 * The index key of a member: federated members by pool id (their project may be a number
 * or an id, compared later), Google identities by type and email, public ones together.
 */
export function memberKeyOf(m: ParsedMember): string | undefined {
  if (m.kind === "federated") return `pool:${m.pool.poolId}`;
  if (m.kind === "google") return `${m.type}:${m.value}`;
  if (m.kind === "public") return "public";
  return undefined;
}

function text(stack: StackModel, value: unknown): string {
  return typeof value === "string" ? stack.resolve(value) : "";
}

function providersOf(stack: StackModel): ProviderModel[] {
  return stack.ofType("google_iam_workload_identity_pool_provider").map((resource) => {
    const c = resource.config;
    const oidc = block(c.oidc);
    const mapping: { [key: string]: string } = {};
    for (const [k, v] of Object.entries((c.attribute_mapping ?? {}) as object)) if (typeof v === "string") mapping[k] = stack.resolve(v);
    return {
      stack,
      resource,
      pool: { project: stack.projectOf(resource) ?? "", poolId: text(stack, c.workload_identity_pool_id) },
      providerId: text(stack, c.workload_identity_pool_provider_id),
      issuer: text(stack, oidc?.issuer_uri),
      allowedAudiences: Array.isArray(oidc?.allowed_audiences) ? oidc.allowed_audiences.map((a: unknown) => text(stack, a)) : [],
      attributeMapping: mapping,
      attributeCondition: typeof c.attribute_condition === "string" && c.attribute_condition !== "" ? stack.resolve(c.attribute_condition) : undefined,
      disabled: c.disabled === true || isPoolDisabled(stack, c.workload_identity_pool_id),
    };
  });
}

function isPoolDisabled(stack: StackModel, poolId: unknown): boolean {
  const ref = stack.referenced(poolId);
  return ref?.resource.type === "google_iam_workload_identity_pool" && ref.resource.config.disabled === true;
}

/** The attribute naming what each kind of IAM resource is on. */
const TARGET_ATTRIBUTE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^google_organization_iam_/, "org_id"],
  [/^google_folder_iam_/, "folder"],
  [/^google_storage_bucket_iam_/, "bucket"],
  [/^google_bigquery_dataset_iam_/, "dataset_id"],
  [/^google_pubsub_topic_iam_/, "topic"],
  [/^google_secret_manager_secret_iam_/, "secret_id"],
];

function targetOf(stack: StackModel, g: IamGrant): string {
  const c = g.resource.config;
  if (g.level === "project") return stack.projectOf(g.resource) ?? "";
  if (g.level === "service_account") return serviceAccountEmailFromId(text(stack, c.service_account_id));
  const attribute = TARGET_ATTRIBUTE.find(([p]) => p.test(g.resource.type))?.[1];
  return attribute ? text(stack, c[attribute]) : g.resource.address;
}

function grantsOf(stack: StackModel): GrantModel[] {
  return iamGrants(stack).map((g) => {
    const members = g.members.map((m) => stack.resolve(m));
    return {
      stack,
      resource: g.resource,
      level: g.level,
      target: targetOf(stack, g),
      role: stack.resolve(g.role),
      members,
      parsedMembers: members.map(parseMember),
      condition: g.condition === undefined ? undefined : stack.resolve(g.condition),
    };
  });
}

function customRolesOf(stack: StackModel): Array<[string, readonly string[]]> {
  const out: Array<[string, readonly string[]]> = [];
  for (const type of ["google_project_iam_custom_role", "google_organization_iam_custom_role"]) {
    for (const role of stack.ofType(type)) {
      const name = stack.resolve(`\${${role.address}.name}`);
      const permissions = Array.isArray(role.config.permissions) ? role.config.permissions.filter(isLiteral) : [];
      if (!name.includes("${") && role.config.deleted !== true) out.push([name, permissions]);
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
      project: stack.projectOf(resource) ?? "",
      service: text(stack, resource.config.service),
      logTypes: logs.map((l) => text(stack, l.log_type)).filter((t) => t !== ""),
      exemptedMembers: logs.flatMap((l) => (Array.isArray(l.exempted_members) ? l.exempted_members.map((m: unknown) => text(stack, m)) : [])),
    };
  });
}

function orgPoliciesOf(stack: StackModel): OrgPolicyModel[] {
  const v2 = stack.ofType("google_org_policy_policy").map((resource) => {
    const name = text(stack, resource.config.name);
    return { stack, resource, parent: text(stack, resource.config.parent), constraint: name.slice(name.lastIndexOf("/") + 1) };
  });
  const v1 = stack.ofType("google_project_organization_policy").map((resource) => ({
    stack,
    resource,
    parent: `projects/${stack.projectOf(resource) ?? ""}`,
    constraint: text(stack, resource.config.constraint).replace(/^constraints\//, ""),
  }));
  return [...v2, ...v1];
}
