import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel } from "../../analysis/terraform-json";

const APP_REFERENCE = /^\$\{azuread_application\.([A-Za-z0-9_-]+)\.(client_id|application_id)\}$/;

export const entraAssignmentRequired: StackRule = {
  id: "FSI-ENTRA-002",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Every azuread_application has an azuread_service_principal with app_role_assignment_required = true.",
  explanation:
    "Without assignment required, every user and workload in the tenant can sign in to the app or get a token for the API, " +
    "and Entra creates a permissive service principal on first sign-in if none is declared.",
  fix: "Declare azuread_service_principal { client_id = the app's client_id, app_role_assignment_required = true } and assign app roles.",
  evaluate(stack: StackModel): RuleResult[] {
    const apps = stack.ofType("azuread_application");
    const principals = stack.ofType("azuread_service_principal");
    if (apps.length === 0 && principals.length === 0) return [notApplicable(stack)];
    const withPrincipal = new Set<string>();
    const results: RuleResult[] = [];
    for (const sp of principals) {
      const app = APP_REFERENCE.exec(String(sp.config.client_id ?? sp.config.application_id ?? ""))?.[1];
      if (app) withPrincipal.add(app);
      const required = sp.config.app_role_assignment_required === true || sp.config.app_role_assignment_required === "true";
      results.push(required ? compliant(stack, sp) : nonCompliant(stack, sp, "app_role_assignment_required is not true"));
    }
    for (const app of apps) {
      if (!withPrincipal.has(app.name)) results.push(nonCompliant(stack, app, "the application has no azuread_service_principal in this stack"));
    }
    return results;
  },
};
