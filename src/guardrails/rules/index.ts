import { Rule } from "../rule";
import { celParses } from "./cel-parses";
import { celValuesQuoted } from "./cel-values-quoted";
import { entraAssignmentRequired } from "./entra-assignment-required";
import { entraNoImplicitGrant } from "./entra-no-implicit-grant";
import { entraSecretRotation } from "./entra-secret-rotation";
import { exportBucketProtected } from "./export-bucket-protected";
import { exportReadersReadDatabase } from "./export-readers-read-database";
import { federationAuditLogging } from "./federation-audit-logging";
import { federationOrgPolicies } from "./federation-org-policies";
import { firestoreAuditLogging } from "./firestore-audit-logging";
import { firestoreDatabaseCondition } from "./firestore-database-condition";
import { noBasicRoles } from "./no-basic-roles";
import { noBroadImpersonation } from "./no-broad-impersonation";
import { noCiEscalationToProd } from "./no-ci-escalation-to-prod";
import { noPlaintextSecrets } from "./no-plaintext-secrets";
import { noServiceAccountKeys } from "./no-service-account-keys";
import { noWholePoolPrincipalSet } from "./no-whole-pool-principal-set";
import { providerHasCondition } from "./provider-has-condition";
import { readableIam } from "./readable-iam";
import { sharedIssuerPinned } from "./shared-issuer-pinned";
import { sharedIssuerPinnedById } from "./shared-issuer-pinned-by-id";
import { sinkBucketPublicAccess } from "./sink-bucket-public-access";
import { sinkBucketRetention } from "./sink-bucket-retention";
import { sinkWriterGranted } from "./sink-writer-granted";

/** The rule pack, in the order findings and docs list them. */
export const RULES: readonly Rule[] = [
  noBasicRoles,
  noServiceAccountKeys,
  noBroadImpersonation,
  readableIam,
  noCiEscalationToProd,
  providerHasCondition,
  sharedIssuerPinned,
  noWholePoolPrincipalSet,
  sharedIssuerPinnedById,
  federationOrgPolicies,
  celParses,
  celValuesQuoted,
  firestoreDatabaseCondition,
  firestoreAuditLogging,
  federationAuditLogging,
  sinkWriterGranted,
  sinkBucketRetention,
  sinkBucketPublicAccess,
  exportBucketProtected,
  exportReadersReadDatabase,
  entraNoImplicitGrant,
  entraAssignmentRequired,
  entraSecretRotation,
  noPlaintextSecrets,
];
