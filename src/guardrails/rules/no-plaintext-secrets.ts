import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { Json, StackModel, isLiteral } from "../../analysis/terraform-json";

/** Arguments that carry secret values in the google and azuread providers (and common others). */
const SECRET_ARGUMENTS = new Set(["secret_data", "password", "private_key", "client_secret", "access_token", "secret_access_key", "api_key"]);
/** A private key in PEM form; certificates are public and pass. */
const PEM_PRIVATE_KEY = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----/;

/** `credentials` is also a file path in the google provider; only an inline JSON key is a secret. */
function isSecretLiteral(key: string, value: string): boolean {
  if (key === "credentials") return value.trimStart().startsWith("{");
  return SECRET_ARGUMENTS.has(key);
}

/** Where in `value` a secret sits (e.g. `password`, `settings.private_key`), or undefined. Linear in the value's size. */
function findSecret(value: Json, path: string): string | undefined {
  if (typeof value === "string") return PEM_PRIVATE_KEY.test(value) ? `${path || "value"} (PEM private key)` : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findSecret(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  for (const key of Object.keys(value)) {
    const child = value[key];
    const childPath = path ? `${path}.${key}` : key;
    if (isLiteral(child) && isSecretLiteral(key, child)) return childPath;
    const hit = findSecret(child, childPath);
    if (hit) return hit;
  }
  return undefined;
}

export const noPlaintextSecrets: StackRule = {
  id: "FSI-SEC-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "No literal secret values (secret_data, password, private_key, client_secret...) and no PEM private keys in the synthesized JSON.",
  explanation:
    "cdk.tf.json is committed, uploaded as a CI artifact and printed in plans; a literal secret there is a leaked secret. " +
    "References (${...}) to variables, data sources or generated values are fine.",
  fix: "Read the value at apply time (a sensitive TerraformVariable, a secret manager data source, or a generated resource), never a literal.",
  evaluate(stack: StackModel): RuleResult[] {
    const results: RuleResult[] = [];
    for (const r of stack.resources) {
      const hit = findSecret(r.config, "");
      results.push(hit ? nonCompliant(stack, r, `${hit} holds a literal secret`) : compliant(stack, r));
    }
    const { resource: _r, data: _d, ["//"]: _m, variable, ...rest } = stack.json ?? {};
    for (const section of Object.keys(rest).sort()) {
      const hit = findSecret(rest[section], section);
      if (hit) results.push(nonCompliant(stack, undefined, `${hit} holds a literal secret`));
    }
    for (const name of Object.keys(variable ?? {}).sort()) {
      const v = variable[name];
      const hit = v?.sensitive === true && isLiteral(v.default) ? "default" : findSecret(v, "");
      if (hit) results.push(nonCompliant(stack, undefined, `variable.${name}.${hit} holds a literal secret`));
    }
    return results.length > 0 ? results : [notApplicable(stack)];
  },
};
