import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";
import { StackModel, block } from "../../analysis/terraform-json";

export const entraNoImplicitGrant: StackRule = {
  id: "FSI-ENTRA-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "azuread_application does not enable the OAuth 2.0 implicit grant (web.implicit_grant).",
  explanation:
    "The implicit flow returns tokens in the browser URL fragment, where history, logs and extensions can read them; " +
    "Airflow and FastAPI use the authorization code flow and never need it.",
  fix: "Set web.implicit_grant.access_token_issuance_enabled and id_token_issuance_enabled to false (or omit implicit_grant).",
  evaluate(stack: StackModel): RuleResult[] {
    return eachResource(stack, stack.ofType("azuread_application"), (app) => {
      const grant = block(block(app.config.web)?.implicit_grant);
      const on = ["access_token_issuance_enabled", "id_token_issuance_enabled"].filter((k) => grant?.[k] === true || grant?.[k] === "true");
      return on.length > 0 ? `web.implicit_grant enables ${on.join(" and ")}` : undefined;
    });
  },
};
