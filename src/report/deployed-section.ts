import { capabilitiesOf } from "../analysis/capabilities";
import { databaseScopeOf } from "../analysis/conditions";
import { IamModel } from "../analysis/iam-model";
import { projectOfServiceAccount } from "../analysis/members";
import { StackModel } from "../analysis/terraform-json";
import { environmentOf } from "../guardrails/environment";
import { sortEnvironments } from "./access-chains";
import { DeployedOptions, IamDriftFinding, IamDriftKind, compareIam, factsOf, livePolicies } from "./iam-drift";

/** For one environment: what was read of what is deployed, and what the live policies add to or remove from the declared access. */
export interface DeployedEnvironment {
  readonly environment: string;
  /** Stacks whose state (or plan) was read. */
  readonly stacksWithState: string[];
  /** Live policies compared (`projects/P`, `serviceAccounts/E`, `buckets/B`). */
  readonly policies: string[];
  /** Access the live policies give that the code does not declare. */
  readonly adds: string[];
  /** Declared access the live policies lack. */
  readonly removes: string[];
  /** Conditions and audit logging that differ. */
  readonly changes: string[];
}

/** The project a drift resource belongs to. */
function projectOfResource(resource: string, stacks: readonly StackModel[]): string | undefined {
  if (resource.startsWith("projects/")) return resource.slice("projects/".length);
  if (resource.startsWith("serviceAccounts/")) return projectOfServiceAccount(resource.slice("serviceAccounts/".length));
  const bucket = resource.slice("buckets/".length);
  for (const s of stacks) for (const r of s.ofType("google_storage_bucket")) if (r.config.name === bucket) return s.projectOf(r);
  return undefined;
}

/** A finding in the report's words: who can do what where (capabilities for Firestore roles), live or declared only. */
function words(f: IamDriftFinding, model: IamModel): string {
  const permissions = model.permissionsOf(f.role);
  const canDo = capabilitiesOf([...(permissions ?? [])]).filter((c) => c !== "read metadata");
  if (f.resource.startsWith("projects/") && canDo.length > 0 && (f.kind === IamDriftKind.EXTRA_MEMBER || f.kind === IamDriftKind.MISSING_BINDING)) {
    const project = f.resource.slice("projects/".length);
    const scope = databaseScopeOf(f.condition, project);
    const where = scope.kind === "one" ? scope.database : `projects/${project}/databases/*`;
    return f.kind === IamDriftKind.EXTRA_MEMBER
      ? `${f.member} can ${canDo.join(", ")} in ${where} (${f.role}; live, not declared)`
      : `${f.member} cannot ${canDo.join(", ")} in ${where} any more (${f.role}; declared by ${f.declaredStack}: ${f.declaredAddress}, not live)`;
  }
  return f.message;
}

/**
 * The "Deployed" section of the access report: per environment, which states were read and
 * what the live policies add to or remove from the declared access.
 */
export function deployedSection(stacks: readonly StackModel[], options: DeployedOptions): DeployedEnvironment[] {
  const statesGiven = new Set(Object.keys(options.states ?? {}));
  const hasPolicies = Object.keys(options.policies ?? {}).length > 0 || options.assets !== undefined;
  const findings = hasPolicies ? compareIam(stacks, livePolicies(options, factsOf(stacks), (r) => (r === "assets" ? "assets" : `policies[${JSON.stringify(r)}]`))) : undefined;
  const model = IamModel.of(stacks);
  const envOfProject = new Map<string, string>();
  for (const s of stacks) {
    const project = s.defaultProject;
    if (project && !envOfProject.has(project)) envOfProject.set(project, environmentOf(s));
  }
  const envOf = (resource: string) => envOfProject.get(projectOfResource(resource, stacks) ?? "") ?? "default";
  const envs = sortEnvironments([...stacks.filter((s) => statesGiven.has(s.name)).map(environmentOf), ...(findings?.summary.resources ?? []).map(envOf)]);
  return envs.map((environment) => {
    const mine = (findings?.findings ?? []).filter((f) => envOf(f.resource) === environment);
    return {
      environment,
      stacksWithState: stacks.filter((s) => statesGiven.has(s.name) && environmentOf(s) === environment).map((s) => s.name),
      policies: (findings?.summary.resources ?? []).filter((r) => envOf(r) === environment),
      adds: mine.filter((f) => f.kind === IamDriftKind.EXTRA_MEMBER).map((f) => words(f, model)),
      removes: mine.filter((f) => f.kind === IamDriftKind.MISSING_BINDING).map((f) => words(f, model)),
      changes: mine.filter((f) => f.kind === IamDriftKind.CONDITION_CHANGED || f.kind === IamDriftKind.AUDIT_CONFIG_CHANGED).map((f) => f.message),
    };
  });
}

/** Markdown of the section; empty when nothing deployed was given. */
export function deployedMarkdown(section: readonly DeployedEnvironment[]): string {
  if (section.length === 0) return "";
  const out = ["## Deployed", ""];
  for (const e of section) {
    out.push(`### ${e.environment}`, "");
    if (e.stacksWithState.length > 0) out.push(`States read: ${e.stacksWithState.join(", ")}. Names above are what apply made.`, "");
    if (e.policies.length === 0) {
      out.push("No live policy given for this environment.", "");
      continue;
    }
    out.push(`Live policies compared: ${e.policies.join(", ")}.`, "");
    if (e.adds.length + e.removes.length + e.changes.length === 0) out.push("The live policies give exactly the declared access.", "");
    for (const [title, list] of [["Live, not declared", e.adds], ["Declared, not live", e.removes], ["Changed", e.changes]] as const) {
      if (list.length === 0) continue;
      out.push(`${title}:`, "", ...list.map((l) => `- ${l.replace(/\|/g, "\\|")}`), "");
    }
  }
  return out.join("\n");
}
