/**
 * Organization Policy constraints this library declares and its guardrails look for,
 * written once. Source: Google's "Organization policy constraints" list
 * (https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints).
 */

/** Boolean: nobody can create a user-managed service account key (CIS GCP 1.4). */
export const DISABLE_SERVICE_ACCOUNT_KEY_CREATION = "iam.disableServiceAccountKeyCreation";
/** Boolean: nobody can upload a public key to make an existing key pair a service account key. */
export const DISABLE_SERVICE_ACCOUNT_KEY_UPLOAD = "iam.disableServiceAccountKeyUpload";
/** Boolean: no principal can be newly exempted from audit logging (exemptions already in place stay). */
export const DISABLE_AUDIT_LOGGING_EXEMPTION = "iam.disableAuditLoggingExemption";
/**
 * List: the identity providers workload identity pools may be configured with, "specified by
 * URI/URLs" (the OIDC issuer URI, compared as the provider declares it).
 */
export const WORKLOAD_IDENTITY_POOL_PROVIDERS = "iam.workloadIdentityPoolProviders";

/** What a project with workload identity federation should enforce, in the order findings list them. */
export const FEDERATION_ORG_POLICIES: readonly string[] = [
  DISABLE_SERVICE_ACCOUNT_KEY_CREATION,
  DISABLE_SERVICE_ACCOUNT_KEY_UPLOAD,
  DISABLE_AUDIT_LOGGING_EXEMPTION,
  WORKLOAD_IDENTITY_POOL_PROVIDERS,
];
