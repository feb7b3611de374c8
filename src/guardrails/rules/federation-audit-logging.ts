import { AuditConfigModel, IamModel } from "../../analysis/iam-model";
import { projectOfServiceAccount } from "../../analysis/members";
import { GET_ACCESS_TOKEN } from "../../analysis/role-permissions";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { AppRule, GuardrailLevel, RuleResult, compliant, nonCompliant, notApplicable } from "../rule";

/**
 * Where each federation step is logged (IAM's audit logging pages): token exchanges in the
 * project that holds the pool (`sts.googleapis.com`), impersonation in the project of the
 * service account (Service Account Credentials, switched on through `iam.googleapis.com`).
 * Both write ADMIN_READ Data Access entries.
 */
const STEPS = [
  { step: "token exchanges", services: new Set(["sts.googleapis.com", "allServices"]) },
  { step: "impersonation", services: new Set(["iam.googleapis.com", "allServices"]) },
] as const;

function logsAdminRead(config: AuditConfigModel): boolean {
  return config.logs.some((l) => l.logType === "ADMIN_READ" && l.exemptedMembers.length === 0);
}

/**
 * Audit configs usually sit in a platform stack, pools and impersonation grants in workload
 * stacks: this rule reads every stack of the app and matches projects by id.
 */
export const federationAuditLogging: AppRule = {
  id: "FSI-LOG-005",
  scope: "app",
  level: GuardrailLevel.WARNING,
  description:
    "Every project holding a workload identity pool provider logs token exchanges (sts.googleapis.com ADMIN_READ), and every project whose service accounts a federated identity impersonates logs impersonation (iam.googleapis.com ADMIN_READ), without exempted members.",
  explanation:
    "The Firestore entries name the service account; only the STS and IAM Credentials entries say which external identity " +
    "(pipeline, workflow, managed identity) became it. They are written in the pool's project and in the service account's " +
    "project, which need not be the database's, and are off by default.",
  fix: "Declare FirestoreAuditLogging (auditFederation on, the default) for that project, or google_project_iam_audit_config for sts.googleapis.com and iam.googleapis.com with ADMIN_READ.",
  evaluate(stacks: readonly StackModel[]): RuleResult[] {
    const logged = new Map<string, Set<string>>();
    for (const config of stacks.flatMap((s) => IamModel.ofStack(s).auditConfigs)) {
      if (!logsAdminRead(config)) continue;
      const services = logged.get(config.project) ?? new Set<string>();
      services.add(config.service);
      logged.set(config.project, services);
    }
    const covered = (project: string, step: (typeof STEPS)[number]) => [...(logged.get(project) ?? [])].some((s) => step.services.has(s));
    const results: RuleResult[] = [];
    for (const stack of stacks) {
      const model = IamModel.ofStack(stack);
      // Per project and step, the first resource that needs it, so a suppression has one stable home.
      const needs = new Map<string, { project: string; step: (typeof STEPS)[number]; resource: TfResource }>();
      const need = (project: string, step: (typeof STEPS)[number], resource: TfResource) => {
        // A project Terraform fills in cannot be matched before apply.
        if (project === "" || project.includes("${")) return;
        const key = `${project}\u0000${step.step}`;
        if (!needs.has(key)) needs.set(key, { project, step, resource });
      };
      for (const p of model.providers) if (!p.disabled) need(p.pool.project, STEPS[0], p.resource);
      for (const g of model.grants) {
        if (g.level !== "service_account" || !g.parsedMembers.some((m) => m.kind === "federated")) continue;
        if (!model.permissionsOf(g.role)?.has(GET_ACCESS_TOKEN)) continue;
        need(projectOfServiceAccount(g.target) ?? "", STEPS[1], g.resource);
      }
      if (needs.size === 0) {
        results.push(notApplicable(stack));
        continue;
      }
      for (const { project, step, resource } of [...needs.values()].sort((a, b) => (a.project + a.step.step < b.project + b.step.step ? -1 : 1))) {
        results.push(
          covered(project, step)
            ? compliant(stack, resource)
            : nonCompliant(stack, resource, `project ${project} does not log ${step.step} (ADMIN_READ on ${[...step.services].filter((s) => s !== "allServices").join("")}), so who became which service account is not on record`),
        );
      }
    }
    return results;
  },
};
