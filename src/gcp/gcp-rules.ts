import { InputRule, InputSite, allOf, inputError, lengthBetween, literalParts, pattern } from "../core/validate";

/** Google Cloud input limits, each written once. Sources: ../shared/FACTS.md. */

export const PROJECT_ID: InputRule<string> = pattern(
  /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  "project id must be 6-30 characters of [a-z0-9-], start with a letter and not end with a hyphen",
);

/** Principal identifiers name projects by number. */
export const PROJECT_NUMBER: InputRule<string> = pattern(/^[1-9][0-9]{0,19}$/, "project number must be the project's numeric id (not its project id)");

/** Pool and provider ids share the provider-side check ValidateWorkloadIdentityPoolId. */
export const WORKLOAD_IDENTITY_ID: InputRule<string> = {
  test: (v) => /^[0-9a-z-]{4,32}$/.test(v) && !v.startsWith("gcp-"),
  rule: "must be 4-32 characters of [a-z0-9-] and not start with gcp-",
};

export const POOL_DISPLAY_NAME: InputRule<string> = lengthBetween(1, 32);
export const POOL_DESCRIPTION: InputRule<string> = lengthBetween(0, 256);

export const SERVICE_ACCOUNT_ID: InputRule<string> = allOf(
  lengthBetween(6, 30),
  pattern(/^[a-z][a-z0-9-]*[a-z0-9]$/, "must match ^[a-z][a-z0-9-]*[a-z0-9]$"),
);
export const SERVICE_ACCOUNT_DISPLAY_NAME: InputRule<string> = lengthBetween(0, 100);
export const SERVICE_ACCOUNT_DESCRIPTION: InputRule<string> = lengthBetween(0, 256);

const MAX_ATTRIBUTE_CONDITION = 4096;

export const ATTRIBUTE_CONDITION: InputRule<string> = {
  test: (v) => v.trim().length > 0 && v.length <= MAX_ATTRIBUTE_CONDITION,
  rule: `attribute condition must be a non-empty CEL expression of at most ${MAX_ATTRIBUTE_CONDITION} characters`,
};

/**
 * A condition the library writes from a list the caller gave (pipelines, events) is blamed on
 * that list when it outgrows Google's 4,096 characters: the caller never wrote the condition.
 * Values Terraform fills in are not counted (their length is not known at synth).
 */
export function checkConditionFits(site: InputSite, property: string, given: readonly string[], condition: string): void {
  const length = literalParts(condition).length;
  if (length > MAX_ATTRIBUTE_CONDITION) {
    throw inputError(site, property, `${given.length} entries`, `the attribute condition made from them would be ${length.toLocaleString("en-US")} characters and Google takes at most ${MAX_ATTRIBUTE_CONDITION.toLocaleString("en-US")}: list fewer, or split them over more providers`);
  }
}

/**
 * Keys a workload identity pool provider accepts in attribute_mapping (google 6.50.0,
 * services/iambeta): google.subject, google.groups and attribute.<name> with a name of at
 * most 100 characters.
 */
export const ATTRIBUTE_KEY: InputRule<string> = pattern(
  /^(google\.(subject|groups)|attribute\.[a-z0-9_]{1,100})$/,
  "must be google.subject, google.groups or attribute.<name> with a name of 1-100 of [a-z0-9_]",
);

/** Each attribute_mapping expression (workload identity pools REST reference). */
export const MAPPING_EXPRESSION: InputRule<string> = lengthBetween(1, 2048, "characters (a mapping expression)");

/** Each allowed audience (google 6.50.0, services/iambeta; REST reference Oidc.allowedAudiences). */
export const AUDIENCE: InputRule<string> = pattern(/^\S{1,256}$/, "audience must be 1-256 characters without spaces (it also goes into token request commands)");
export const MAX_CUSTOM_ATTRIBUTES = 50;
export const MAX_ALLOWED_AUDIENCES = 10;
export const MAX_SUBJECT_LENGTH = 127;

/**
 * The smallest length a google.subject expression can produce: the sum of its string
 * literals. If the literals alone exceed 127 characters, every token is rejected.
 */
export const SUBJECT_MAPPING: InputRule<string> = {
  test: (v) => {
    const literals = v.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g) ?? [];
    const literalLength = literals.reduce((n, lit) => n + lit.length - 2, 0);
    return v.trim().length > 0 && literalLength <= MAX_SUBJECT_LENGTH && v.length <= 2048;
  },
  rule: `google.subject mapping must be a non-empty CEL expression whose string literals alone stay within the ${MAX_SUBJECT_LENGTH}-character subject limit`,
};

/** Attribute values used in principalSet identifiers: no slashes that would shift the path. */
export const ATTRIBUTE_VALUE: InputRule<string> = {
  test: (v) => v.length > 0 && v.length <= 1024 && !/\s/.test(v),
  rule: "must be a non-empty value of at most 1024 characters without whitespace",
};

export const BUILDKITE_SLUG: InputRule<string> = pattern(
  /^[a-z0-9][a-z0-9-]{0,99}$/,
  "Buildkite slug must be lowercase letters, digits and hyphens, starting with a letter or digit (at most 100 characters)",
);

export const GIT_BRANCH: InputRule<string> = pattern(
  /^(?!\/)(?!.*\/\/)(?!.*\.\.)[^\s~^:?*[\\]{1,255}(?<!\/)(?<!\.lock)$/,
  "branch must be a valid git ref name (no spaces, ~ ^ : ? * [ \\ or ..)",
);

export const GITHUB_OWNER: InputRule<string> = pattern(
  /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
  "GitHub owner must be 1-39 letters, digits or single hyphens, not starting or ending with a hyphen",
);

export const GITHUB_REPOSITORY: InputRule<string> = {
  test: (v) => {
    const [owner, name, ...rest] = v.split("/");
    return rest.length === 0 && name !== undefined && GITHUB_OWNER.test(owner) && /^[A-Za-z0-9._-]{1,100}$/.test(name) && name !== "." && name !== "..";
  },
  rule: 'repository must be "owner/name" with a valid GitHub owner and a name of [A-Za-z0-9._-] (at most 100)',
};

export const GITHUB_REF: InputRule<string> = pattern(
  /^refs\/(heads|tags|pull)\/\S+$/,
  "ref must be a full git ref such as refs/heads/main or refs/tags/v1",
);

/** GitHub's numeric ids (repository_id, repository_owner_id), which tokens carry as strings. */
export const GITHUB_ID: InputRule<string> = pattern(/^[1-9][0-9]{0,19}$/, "must be the numeric GitHub id as a string, e.g. \"123456789\" (Settings, or the API's id field)");

/** Enterprise slug in the issuer `https://token.actions.githubusercontent.com/<enterprise>`. */
export const GITHUB_ENTERPRISE: InputRule<string> = pattern(/^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/, "enterprise must be the enterprise's URL slug: lowercase letters, digits and hyphens");

/** GitHub runs workflows only from files directly in .github/workflows. */
export const GITHUB_WORKFLOW_PATH: InputRule<string> = pattern(
  /^\.github\/workflows\/[^\s/@]+\.ya?ml$/,
  "workflow must be the file's path in the repository, .github/workflows/<name>.yml or .yaml",
);

/** Deployment environment names as they appear in the `environment` claim; whitespace cannot be named in a principal. */
export const GITHUB_ENVIRONMENT: InputRule<string> = pattern(/^[^\s/]{1,255}$/, "environment must be 1-255 characters without whitespace or slashes");

/** Webhook event names as in the `event_name` claim (push, workflow_dispatch, pull_request_target...). */
export const GITHUB_EVENT: InputRule<string> = pattern(/^[a-z_]{1,64}$/, "event must be a GitHub webhook event name such as push or workflow_dispatch");

export const K8S_NAMESPACE: InputRule<string> = pattern(
  /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  "Kubernetes namespace must be a DNS label: 1-63 of [a-z0-9-], starting and ending alphanumeric",
);

export const K8S_SERVICE_ACCOUNT: InputRule<string> = pattern(
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  "Kubernetes service account name must be a DNS subdomain: 1-253 of [a-z0-9.-]",
);

export const TOKEN_LIFETIME_SECONDS: InputRule<number> = {
  test: (v) => Number.isInteger(v) && v >= 600 && v <= 43200,
  rule: "impersonated token lifetime must be a whole number of seconds from 600 to 43200",
};

/**
 * A Cloud KMS key as every CMEK field takes it (kms_key_name, default_kms_key_name,
 * cmek_config.kms_key_name): the key's resource id, never a key version.
 */
export const KMS_KEY_NAME: InputRule<string> = pattern(
  /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/,
  "KMS key must be projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY (a key, not a key version)",
);

/**
 * A Cloud Storage bucket's customer-managed key must live where the bucket does: a region's
 * key for a regional bucket, the `us`, `europe` or `asia` multi-region key for the US, EU or
 * ASIA bucket (Cloud Storage "Customer-managed encryption keys", key location). Dual-region
 * buckets are not judged here. Returns the mismatch, or undefined.
 */
export function storageKeyLocationProblem(bucketLocation: string, kmsKeyName: string): string | undefined {
  if (bucketLocation.includes("${") || kmsKeyName.includes("${")) return undefined;
  const keyLocation = kmsKeyName.split("/")[3];
  const location = bucketLocation.toLowerCase();
  const wanted = ({ us: "us", eu: "europe", asia: "asia" } as Record<string, string>)[location] ?? (/^[a-z]+-[a-z]+[0-9]+$/.test(location) ? location : undefined);
  return wanted === undefined || keyLocation === wanted ? undefined : `must be a key in KMS location ${wanted}, where bucket location ${bucketLocation} keeps its data`;
}
