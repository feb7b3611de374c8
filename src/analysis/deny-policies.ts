import { ConditionTarget, ConditionVerdict, evaluateCondition } from "./conditions";
import { ParsedMember, parseMember, projectOfServiceAccount } from "./members";
import { StackModel, TfResource, block, blocks } from "./terraform-json";

/**
 * IAM deny policies (`google_iam_deny_policy`), evaluated the way Google documents them:
 * IAM checks deny policies before allow policies, so a principal denied a permission cannot
 * use it whatever roles it holds (https://cloud.google.com/iam/docs/deny-overview). A rule
 * denies when the principal is among `denied_principals` and not among
 * `exception_principals`, the permission among `denied_permissions` and not among
 * `exception_permissions`, its `denial_condition` (if any) is true, and the resource sits
 * under the policy's attachment point (https://cloud.google.com/iam/docs/deny-access).
 */

/** Where a deny policy is attached: its `parent`, the URL-encoded full resource name of a project, folder or organization. */
export type DenyAttachment = { readonly kind: "project"; readonly project: string } | { readonly kind: "other"; readonly what: string };

export interface DenyRuleModel {
  readonly stack: StackModel;
  readonly resource: TfResource;
  /** Position of the rule in the policy's `rules`, from 0. */
  readonly index: number;
  readonly attachment: DenyAttachment;
  readonly deniedPrincipals: readonly string[];
  readonly exceptionPrincipals: readonly string[];
  /** In the deny form `SERVICE_FQDN/RESOURCE.VERB`, wildcards allowed. */
  readonly deniedPermissions: readonly string[];
  readonly exceptionPermissions: readonly string[];
  readonly condition?: string;
}

/** Who asks, as far as deny rules need: the simulator's Actor fits. */
export interface DenyPrincipal {
  readonly label: string;
  readonly matches: (m: ParsedMember) => ConditionVerdict;
  readonly serviceAccount?: string;
  /** True for a workload identity pool principal (federated, GKE). */
  readonly federated?: boolean;
  /** Overrides `matches` for deny rules: an actor standing for many identities is denied only by a rule naming them all. */
  readonly denyMatches?: (m: ParsedMember) => ConditionVerdict;
}

/** A deny rule's answer for one use of one permission: "yes" means denied. */
export interface Denial {
  readonly verdict: "yes" | "no" | "unknown";
  readonly reason: string;
}

const NOT_DENIED: Denial = { verdict: "no", reason: "" };

function strings(value: unknown, stack: StackModel): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string").map((v) => stack.resolve(v)) : [];
}

const URLENCODE_CALL = /^\$\{urlencode\("((?:[^"\\]|\\.)*)"\)\}$/;
const ATTACHED_PROJECT = /^cloudresourcemanager\.googleapis\.com\/projects\/([^/]+)$/;

/**
 * A deny policy's attachment point from its `parent`: written URL-encoded
 * (`cloudresourcemanager.googleapis.com%2Fprojects%2FP`, as the REST reference of
 * policies requires: https://cloud.google.com/iam/docs/reference/rest/v2/policies), or as
 * Terraform's `urlencode("cloudresourcemanager.googleapis.com/projects/${…}")`, which cdktf
 * writes as `${urlencode("…")}`.
 */
export function attachmentOf(stack: StackModel, parent: unknown): DenyAttachment {
  if (typeof parent !== "string" || parent === "") return { kind: "other", what: "(no parent)" };
  const resolved = stack.resolve(parent);
  const call = URLENCODE_CALL.exec(resolved);
  let name = call ? call[1] : resolved;
  if (!call) {
    try {
      name = decodeURIComponent(resolved);
    } catch {
      return { kind: "other", what: resolved };
    }
  }
  const project = ATTACHED_PROJECT.exec(name);
  return project && !project[1].includes("${") ? { kind: "project", project: project[1] } : { kind: "other", what: name };
}

/** Every rule of every `google_iam_deny_policy` of the stack. */
export function denyRulesOf(stack: StackModel): DenyRuleModel[] {
  const out: DenyRuleModel[] = [];
  for (const resource of stack.ofType("google_iam_deny_policy")) {
    if (resource.config.count === 0 || resource.config.count === "0") continue;
    const attachment = attachmentOf(stack, resource.config.parent);
    blocks(resource.config.rules).forEach((rule, index) => {
      const deny = block(rule.deny_rule);
      if (!deny) return;
      const condition = block(deny.denial_condition)?.expression;
      out.push({
        stack,
        resource,
        index,
        attachment,
        deniedPrincipals: strings(deny.denied_principals, stack),
        exceptionPrincipals: strings(deny.exception_principals, stack),
        deniedPermissions: strings(deny.denied_permissions, stack),
        exceptionPermissions: strings(deny.exception_permissions, stack),
        condition: typeof condition === "string" && condition !== "" ? stack.resolve(condition) : undefined,
      });
    });
  }
  return out;
}

/**
 * A permission in the deny form: `datastore.entities.delete` ↔
 * `datastore.googleapis.com/entities.delete` ("SERVICE_FQDN/RESOURCE.ACTION … the value of
 * SERVICE_FQDN is typically the value of SERVICE_ID from the v1 API, followed by
 * .googleapis.com", https://cloud.google.com/iam/docs/deny-permissions-support).
 */
export function denyFormOf(permission: string): string {
  const dot = permission.indexOf(".");
  return `${permission.slice(0, dot)}.googleapis.com/${permission.slice(dot + 1)}`;
}

const patterns = new Map<string, RegExp>();

/**
 * Whether a denied (or excepted) permission names this one. Permission groups use `*`
 * (`SERVICE_FQDN/RESOURCE.*`, `SERVICE_FQDN/*.VERB`, `SERVICE_FQDN/*`: deny-overview,
 * "Permission groups"); each `*` matches any run of characters. A permission written in the
 * v1 form is not one Google accepts in a deny policy, so it names nothing.
 */
export function denyPermissionMatches(pattern: string, permission: string): boolean {
  const wanted = denyFormOf(permission);
  if (!pattern.includes("*")) return pattern === wanted;
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)));
  return re.test(wanted);
}

const RESOURCE_MANAGER_SERVICE_ACCOUNTS = /^principalSet:\/\/cloudresourcemanager\.googleapis\.com\/(projects|folders|organizations)\/([^/]+)\/type\/ServiceAccount$/;

/**
 * Whether a deny rule's principal identifier names the one asking
 * (https://cloud.google.com/iam/docs/principal-identifiers, "deny policies"): each form is
 * read as the allow members it stands for, and the asker judges those the way it judges
 * bindings (group membership, pools, public).
 */
export function denyPrincipalMatches(principal: string, who: DenyPrincipal): ConditionVerdict {
  if (principal.includes("${")) return { verdict: "unknown", reason: `deny principal ${principal} is a reference Terraform fills in` };
  if (principal.startsWith("deleted:")) return NO;
  const goog = /^principal:\/\/goog\/subject\/(.+)$/.exec(principal);
  if (goog) return best(who, [google("user", goog[1]), google("serviceAccount", goog[1])]);
  const group = /^principalSet:\/\/goog\/group\/(.+)$/.exec(principal);
  if (group) return best(who, [google("group", group[1])]);
  const account = /^principal:\/\/iam\.googleapis\.com\/projects\/-\/serviceAccounts\/(.+)$/.exec(principal);
  if (account) return best(who, [google("serviceAccount", account[1])]);
  const accounts = RESOURCE_MANAGER_SERVICE_ACCOUNTS.exec(principal);
  if (accounts) {
    if (who.serviceAccount === undefined) return NO;
    if (accounts[1] === "projects" && accounts[2] === projectOfServiceAccount(who.serviceAccount)) return YES;
    return { verdict: "unknown", reason: `whether ${who.serviceAccount} is among the service accounts of ${accounts[1]}/${accounts[2]} (named by number) only apply can tell` };
  }
  if (/^principalSet:\/\/goog\/cloudIdentityCustomerId\//.test(principal)) {
    // Service accounts and workload identities are not users of a Cloud Identity or Workspace customer.
    return who.serviceAccount !== undefined || who.federated === true
      ? NO
      : { verdict: "unknown", reason: `whether ${who.label} belongs to Cloud Identity customer ${principal} is Google's to resolve` };
  }
  if (/^principal(Set)?:\/\/iam\.googleapis\.com\/locations\/global\/workforcePools\//.test(principal)) return NO;
  const parsed = parseMember(principal);
  if (parsed.kind === "other") return { verdict: "unknown", reason: `deny principal ${principal} is a form this simulator does not read` };
  return best(who, [parsed]);
}

const YES: ConditionVerdict = { verdict: "yes", reason: "" };
const NO: ConditionVerdict = { verdict: "no", reason: "" };

function google(type: "user" | "group" | "serviceAccount", email: string): ParsedMember {
  return { kind: "google", type, value: email.toLowerCase(), raw: `${type}:${email}` };
}

function best(who: DenyPrincipal, members: readonly ParsedMember[]): ConditionVerdict {
  let out: ConditionVerdict = NO;
  for (const m of members) {
    const v = (who.denyMatches ?? who.matches)(m);
    if (v.verdict === "yes") return YES;
    if (v.verdict === "unknown") out = v;
  }
  return out;
}

function anyOf(principals: readonly string[], who: DenyPrincipal): ConditionVerdict {
  let out: ConditionVerdict = NO;
  for (const p of principals) {
    const v = denyPrincipalMatches(p, who);
    if (v.verdict === "yes") return { verdict: "yes", reason: p };
    if (v.verdict === "unknown") out = v;
  }
  return out;
}

function where(rule: DenyRuleModel): string {
  return `${rule.resource.address} (stack ${rule.stack.name}) rule ${rule.index}`;
}

/**
 * Whether one rule denies `who` the permission on a resource of `project` (the target, when
 * given, is what a denial condition sees). Each part is yes, no or unknown; the rule denies
 * when every part is yes, and may deny when none is no.
 */
export function ruleDenies(rule: DenyRuleModel, who: DenyPrincipal, permission: string, project: string, target: ConditionTarget | undefined, time: Date): Denial {
  const v2 = denyFormOf(permission);
  if (!rule.deniedPermissions.some((p) => denyPermissionMatches(p, permission))) return NOT_DENIED;
  if (rule.exceptionPermissions.some((p) => denyPermissionMatches(p, permission))) return NOT_DENIED;
  const unknowns: string[] = [];
  if (rule.attachment.kind === "other") {
    unknowns.push(`it is attached to ${rule.attachment.what}; whether project ${project} sits under it is not in the configuration`);
  } else if (rule.attachment.project !== project) {
    if (!/^[0-9]+$/.test(rule.attachment.project)) return NOT_DENIED;
    unknowns.push(`it is attached to project ${rule.attachment.project} (a number), which only apply can compare with ${project}`);
  }
  const principal = anyOf(rule.deniedPrincipals, who);
  if (principal.verdict === "no") return NOT_DENIED;
  if (principal.verdict === "unknown") unknowns.push(principal.reason);
  const exception = anyOf(rule.exceptionPrincipals, who);
  if (exception.verdict === "yes") return NOT_DENIED;
  if (exception.verdict === "unknown") unknowns.push(`an exception may cover ${who.label}: ${exception.reason}`);
  if (rule.condition !== undefined) {
    const condition = evaluateCondition(rule.condition, target, time);
    if (condition.verdict === "no") return NOT_DENIED;
    // Denial conditions test resource tags, which the configuration does not hold: unknown, never a guess.
    if (condition.verdict === "unknown") unknowns.push(`its denial condition: ${condition.reason}`);
  }
  if (unknowns.length > 0) return { verdict: "unknown", reason: `deny policy ${where(rule)} may deny ${who.label} ${v2}: ${unknowns.join("; ")}` };
  return { verdict: "yes", reason: `deny policy ${where(rule)} denies ${who.label} ${v2} on project ${project} (denied principal ${principal.reason}); IAM checks deny policies before allow policies` };
}

/**
 * The deny rules of an app, indexed by the project they are attached to, so a question pays
 * only for the rules that can apply to it.
 */
export class DenyRules {
  private readonly byProject = new Map<string, DenyRuleModel[]>();
  /** Rules whose attachment only apply can place (folders, organizations, project numbers, references). */
  private readonly elsewhere: DenyRuleModel[] = [];

  constructor(public readonly rules: readonly DenyRuleModel[]) {
    for (const r of rules) {
      if (r.attachment.kind === "project" && !/^[0-9]+$/.test(r.attachment.project)) {
        let list = this.byProject.get(r.attachment.project);
        if (!list) this.byProject.set(r.attachment.project, (list = []));
        list.push(r);
      } else this.elsewhere.push(r);
    }
  }

  /** Whether some rule denies `who` the permission on a resource of the project: the first definite denial, else what may deny. */
  public denies(who: DenyPrincipal, permission: string, project: string, target: ConditionTarget | undefined, time: Date): Denial {
    const own = this.byProject.get(project);
    if (!own && this.elsewhere.length === 0) return NOT_DENIED;
    let out = NOT_DENIED;
    for (const rule of [...(own ?? []), ...this.elsewhere]) {
      const d = ruleDenies(rule, who, permission, project, target, time);
      if (d.verdict === "yes") return d;
      if (d.verdict === "unknown" && out.verdict === "no") out = d;
    }
    return out;
  }
}
