import { InputRule, integerBetween, pattern } from "../core/validate";

/**
 * Audit logging and log destination limits, each written once. Sources: ../shared/FACTS.md,
 * the Cloud Storage bucket naming page, the Pub/Sub Topic and Logging CreateBucket/LogSink
 * API references.
 */

/** Data Access logs for Firestore are configured on this service; firestore.googleapis.com is rejected. */
export const FIRESTORE_AUDIT_SERVICE = "datastore.googleapis.com";

/**
 * Native-mode databases log as firestore.googleapis.com, Datastore-mode ones (which
 * fromExisting may name) as datastore.googleapis.com: the sink takes both.
 */
export const FIRESTORE_LOG_SERVICES: readonly string[] = ["firestore.googleapis.com", "datastore.googleapis.com"];

/**
 * Token exchanges: Security Token Service logs as sts.googleapis.com, and ExchangeToken (v1
 * and v1beta) is ADMIN_READ, a Data Access log the audit config must switch on.
 * https://cloud.google.com/iam/docs/audit-logging/audit-logging-sts
 */
export const STS_AUDIT_SERVICE = "sts.googleapis.com";

/**
 * Service account impersonation: GenerateAccessToken (and GenerateIdToken, SignBlob,
 * SignJwt) is ADMIN_READ, logged as iamcredentials.googleapis.com. Google says these Data
 * Access logs cannot be enabled for that service on its own, only through iam.googleapis.com
 * (or allServices). https://cloud.google.com/iam/docs/audit-logging/audit-logging-iamcreds
 */
export const IAM_AUDIT_SERVICE = "iam.googleapis.com";
export const IAM_CREDENTIALS_LOG_SERVICE = "iamcredentials.googleapis.com";

/** The federation step's services as entries name them. */
export const FEDERATION_LOG_SERVICES: readonly string[] = [STS_AUDIT_SERVICE, IAM_CREDENTIALS_LOG_SERVICE];

/** `protoPayload.serviceName="A" OR ...`, parenthesised: the services an audit filter selects. */
export function serviceClause(services: readonly string[]): string {
  return `(${services.map((s) => `protoPayload.serviceName="${s}"`).join(" OR ")})`;
}

/** Every audit entry (admin activity and data access) of the listed services. */
export function auditFilter(services: readonly string[]): string {
  return `logName:"cloudaudit.googleapis.com" AND ${serviceClause(services)}`;
}

export const SINK_NAME: InputRule<string> = pattern(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
  "sink name must be 1-100 characters of [A-Za-z0-9_.-], starting with a letter or digit",
);

export const DATASET_ID: InputRule<string> = pattern(/^[A-Za-z0-9_]{1,1024}$/, "dataset id must be 1-1024 characters of [A-Za-z0-9_]");

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export const STORAGE_BUCKET_NAME: InputRule<string> = {
  test: (v) =>
    /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(v) &&
    v.length >= 3 &&
    v.length <= (v.includes(".") ? 222 : 63) &&
    v.split(".").every((part) => part.length > 0 && part.length <= 63) &&
    !IPV4.test(v) &&
    !v.startsWith("goog") &&
    !/g[o0][o0]g[l1]e/.test(v),
  rule:
    "bucket name must be 3-63 characters of [a-z0-9._-] (up to 222 with dots, 63 per dot-separated part), start and end " +
    'with a letter or digit, not be an IP address, not start with "goog" and not contain "google"',
};

export const PUBSUB_TOPIC_NAME: InputRule<string> = {
  test: (v) => /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/.test(v) && !v.startsWith("goog"),
  rule: 'topic name must be 3-255 characters of [A-Za-z0-9-_.~+%], start with a letter and not start with "goog"',
};

/** `_Default` and `_Required` exist in every project, so creating them always fails. */
export const LOG_BUCKET_ID: InputRule<string> = {
  test: (v) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(v) && v !== "_Default" && v !== "_Required",
  rule: "log bucket id must be 1-100 characters of [A-Za-z0-9_.-], start with a letter or digit, and not be _Default or _Required",
};

export const LOG_BUCKET_LOCATION: InputRule<string> = pattern(
  /^(global|[a-z]+|[a-z]+-[a-z]+[0-9]+)$/,
  "log bucket location must be global, a multi-region such as us or eu, or a region such as europe-west3",
);

export const LOG_BUCKET_RETENTION_DAYS: InputRule<number> = integerBetween(1, 3650, "days");

/**
 * google 6.50.0 validates retention_period with IntBetween(1, math.MaxInt32) seconds
 * (services/storage/resource_storage_bucket.go): 24,855 whole days.
 */
export const STORAGE_RETENTION_DAYS: InputRule<number> = integerBetween(1, Math.floor(2_147_483_647 / 86_400), "days");

/** BigQuery and Cloud Storage locations: US, EU, or a region such as europe-west3 (case-insensitive). */
export const DATA_LOCATION: InputRule<string> = pattern(
  /^[A-Za-z]+[0-9]*(-[A-Za-z]+[0-9]+)?$/,
  "location must be a multi-region such as US or EU, or a region such as europe-west3",
);

/**
 * BigQuery keeps a dataset's defaultTableExpirationMs as an int64 ("string (int64 format)",
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets): days × 86,400,000 must
 * fit, so at most 106,751,991,167 days. (Every such product is exact in a JavaScript number:
 * 86,400,000 is 84,375 × 1,024 and 106,751,991,167 × 84,375 stays below 2^53.)
 */
const MAX_INT64 = 2n ** 63n - 1n;
const MS_PER_DAY = 86_400_000n;
export const TABLE_EXPIRATION_DAYS: InputRule<number> = {
  test: (v) => Number.isSafeInteger(v) && v >= 1 && BigInt(v) * MS_PER_DAY <= MAX_INT64,
  rule: `default table expiration must be a whole number of days from 1 to ${(MAX_INT64 / MS_PER_DAY).toLocaleString("en-US")} (BigQuery keeps it in milliseconds as an int64)`,
};

/**
 * Cloud Storage bucket label values: at most 63 characters of lowercase letters, digits,
 * underscores and dashes (international lowercase characters allowed).
 * https://cloud.google.com/storage/docs/tags-and-labels#bucket-labels
 */
export const STORAGE_LABEL_VALUE: InputRule<string> = pattern(
  /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u,
  "must be a Cloud Storage label value: at most 63 lowercase letters, digits, underscores and dashes",
);

/** Cloud Logging quotas: at most 50 exclusion filters per sink. */
export const MAX_SINK_EXCLUSIONS = 50;

/** Log exclusion names follow the sink name rule (LogExclusion.name in the Logging API reference). */
export const EXCLUSION_NAME: InputRule<string> = pattern(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
  "exclusion name must be 1-100 characters of [A-Za-z0-9_.-], starting with a letter or digit",
);

/** protoPayload.methodName as audit entries carry it, e.g. google.firestore.v1.Firestore.Listen or GenerateAccessToken. */
export const AUDIT_METHOD_NAME: InputRule<string> = pattern(
  /^[A-Za-z][A-Za-z0-9_.]{0,255}$/,
  "method must be the full name an audit entry carries in protoPayload.methodName, e.g. google.firestore.v1.Firestore.Listen (letters, digits, _ and .)",
);

/** Free text shown in the report and stored on the exclusion. */
export const EXCLUSION_DESCRIPTION: InputRule<string> = {
  test: (v) => typeof v === "string" && v.trim().length >= 10 && v.length <= 1000,
  rule: "must say why in 10-1000 characters: the report shows it next to what is not logged",
};
