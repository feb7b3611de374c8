import { StackModel, block } from "../analysis/terraform-json";

/**
 * Which environment a stack deploys to. Read from the stack name first (`airflow-prod`,
 * `platform_staging`), because that is how cdktf apps name one stack per environment;
 * else from an `env`/`environment` label in the google provider's default_labels; else
 * "default". Guardrails use it for prod-only rules, the access report to group chains.
 */
export function environmentOf(stack: StackModel): string {
  const suffix = /(?:^|[-_.])(dev|development|test|qa|staging|stage|preprod|prod|production)$/i.exec(stack.name);
  if (suffix) return normalize(suffix[1]);
  const labels = block(stack.json?.provider?.google)?.default_labels;
  const label = labels?.env ?? labels?.environment;
  return typeof label === "string" && label !== "" ? normalize(label) : "default";
}

/** True when the stack or the resource's own labels say prod. */
export function isProduction(stack: StackModel, labels?: { [key: string]: unknown }): boolean {
  const own = labels?.env ?? labels?.environment;
  if (typeof own === "string" && own !== "") return normalize(own) === "prod";
  return environmentOf(stack) === "prod";
}

function normalize(env: string): string {
  const lower = env.toLowerCase();
  if (lower === "production") return "prod";
  if (lower === "development") return "dev";
  if (lower === "stage") return "staging";
  return lower;
}
