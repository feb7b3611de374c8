/**
 * Reads live IAM allow policies as Google returns them, and Cloud Asset Inventory exports of
 * them. Shapes only: which bindings matter is the drift report's business.
 *
 * - `gcloud projects get-iam-policy P --format=json`, `gcloud iam service-accounts
 *   get-iam-policy EMAIL --format=json`, `gcloud storage buckets get-iam-policy gs://B
 *   --format=json`: `{ bindings: [{ role, members, condition? }], auditConfigs?, etag, version }`
 *   (https://cloud.google.com/iam/docs/reference/rest/v1/Policy);
 * - a version-1 read of a policy with conditional bindings names them `roles/X_withcond_<hash>`
 *   and hides the conditions (https://cloud.google.com/iam/docs/troubleshooting-withcond);
 * - `gcloud asset export --content-type=iam-policy` writes one asset per line, `{ name,
 *   asset_type, iam_policy, ancestors }`; the API and `gcloud asset search`/`list` print the
 *   same assets as a JSON array, some in camelCase (assetType, iamPolicy)
 *   (https://github.com/googleapis/googleapis/blob/master/google/cloud/asset/v1/assets.proto).
 */

export interface LiveCondition {
  readonly expression: string;
  readonly title?: string;
}

export interface LiveBinding {
  readonly role: string;
  readonly members: readonly string[];
  readonly condition?: LiveCondition;
}

export interface LiveAuditLogConfig {
  readonly logType: string;
  readonly exemptedMembers: readonly string[];
}

export interface LiveAuditConfig {
  readonly service: string;
  readonly auditLogConfigs: readonly LiveAuditLogConfig[];
}

export interface LivePolicy {
  /** Where it came from, for messages. */
  readonly source: string;
  readonly version: number;
  readonly bindings: readonly LiveBinding[];
  /** Undefined when the policy says nothing of audit logging (service accounts, buckets). */
  readonly auditConfigs?: readonly LiveAuditConfig[];
  /** Roles read as `roles/X_withcond_<hash>`: conditional bindings a version-1 read hides. */
  readonly hiddenConditions: readonly string[];
}

/** One asset of an export: its full resource name and its policy. */
export interface LiveAsset {
  /** e.g. `//cloudresourcemanager.googleapis.com/projects/123456789012`. */
  readonly name: string;
  readonly assetType: string;
  readonly policy: LivePolicy;
}

type Json = any;
const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);
const WITHCOND = /_withcond_[0-9a-f]+$/;

function strings(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new Error(`${what} must be a list of strings`);
  return value;
}

/** A policy object (already parsed), checked against Google's Policy shape. */
export function policyOf(json: Json, source: string): LivePolicy {
  if (!isObject(json)) throw new Error(`${source}: expected an IAM policy object ({ bindings, etag, version }), got ${Array.isArray(json) ? "an array" : JSON.stringify(json)?.slice(0, 40)}`);
  const terraform = json.format_version !== undefined || Array.isArray(json.resources);
  if (terraform || (json.bindings === undefined && typeof json.etag !== "string")) {
    throw new Error(`${source}: not an IAM policy: ${terraform ? "a Terraform state or plan" : "no bindings or etag"} (expected the output of gcloud ... get-iam-policy --format=json)`);
  }
  const rawBindings = json.bindings ?? [];
  if (!Array.isArray(rawBindings)) throw new Error(`${source}: bindings must be a list`);
  const bindings = rawBindings.map((b: Json, i: number): LiveBinding => {
    if (!isObject(b) || typeof b.role !== "string") throw new Error(`${source}: bindings[${i}] has no role`);
    const c = b.condition;
    if (c !== undefined && (!isObject(c) || typeof c.expression !== "string")) throw new Error(`${source}: bindings[${i}].condition has no expression`);
    return {
      role: b.role,
      members: strings(b.members, `${source}: bindings[${i}].members`),
      condition: c === undefined ? undefined : { expression: c.expression, title: typeof c.title === "string" ? c.title : undefined },
    };
  });
  const rawAudit = json.auditConfigs ?? json.audit_configs;
  if (rawAudit !== undefined && !Array.isArray(rawAudit)) throw new Error(`${source}: auditConfigs must be a list`);
  const auditConfigs = rawAudit?.map((a: Json, i: number): LiveAuditConfig => {
    if (!isObject(a) || typeof a.service !== "string") throw new Error(`${source}: auditConfigs[${i}] has no service`);
    const logs = a.auditLogConfigs ?? a.audit_log_configs ?? [];
    if (!Array.isArray(logs)) throw new Error(`${source}: auditConfigs[${i}].auditLogConfigs must be a list`);
    return {
      service: a.service,
      auditLogConfigs: logs.map((l: Json, j: number) => {
        const logType = l?.logType ?? l?.log_type;
        if (typeof logType !== "string") throw new Error(`${source}: auditConfigs[${i}].auditLogConfigs[${j}] has no logType`);
        return { logType, exemptedMembers: strings(l.exemptedMembers ?? l.exempted_members, `${source}: auditConfigs[${i}].auditLogConfigs[${j}].exemptedMembers`) };
      }),
    };
  });
  const version = typeof json.version === "number" ? json.version : 1;
  const hiddenConditions = version >= 3 ? [] : bindings.filter((b) => WITHCOND.test(b.role)).map((b) => b.role);
  return { source, version, bindings, auditConfigs, hiddenConditions };
}

/** The JSON text of one policy. */
export function readIamPolicy(text: string, source: string): LivePolicy {
  let json: Json;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message}); expected the output of gcloud ... get-iam-policy --format=json`);
  }
  return policyOf(json, source);
}

/** A Cloud Asset Inventory export of IAM policies: a JSON array, or one asset per line. */
export function readAssetExport(text: string, source: string): LiveAsset[] {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  let items: Array<{ json: Json; where: string }>;
  if (trimmed.startsWith("[")) {
    let json: Json;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`${source}: not a JSON array of assets (${(e as Error).message})`);
    }
    items = (json as Json[]).map((a, i) => ({ json: a, where: `${source}[${i}]` }));
  } else {
    items = trimmed
      .split(/\r?\n/)
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line !== "")
      .map(({ line, i }) => {
        try {
          return { json: JSON.parse(line), where: `${source}:${i + 1}` };
        } catch (e) {
          throw new Error(`${source}:${i + 1}: not a JSON asset (${(e as Error).message}); expected a JSON array or one asset per line (gcloud asset export --content-type=iam-policy)`);
        }
      });
  }
  return items.map(({ json, where }) => {
    const assetType = json?.asset_type ?? json?.assetType;
    const policy = json?.iam_policy ?? json?.iamPolicy ?? json?.policy;
    if (!isObject(json) || typeof json.name !== "string" || typeof assetType !== "string") throw new Error(`${where}: not an asset: expected { name, asset_type, iam_policy }`);
    if (policy === undefined) throw new Error(`${where}: asset ${json.name} has no iam_policy; export with --content-type=iam-policy`);
    return { name: json.name, assetType, policy: policyOf(policy, `${where} (${json.name})`) };
  });
}
