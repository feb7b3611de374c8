import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import {
  AuditLogDestination,
  AuditLoggingExemptionPolicy,
  FirestoreAuditLogging,
  FirestoreBackupRecurrence,
  FirestoreDatabase,
  FirestoreExportBucket,
  IFirestoreDatabase,
  ServiceAccountKeyCreationPolicy,
  ServiceAccountKeyUploadPolicy,
  WorkloadIdentityProviderPolicy,
} from "../../src";
import { EnvironmentStack, ExampleStackProps } from "../shared/environment-stack";

/**
 * The project-wide pieces of one environment, owned by one stack so the workload stacks
 * never fight over them: the Firestore database, its Data Access audit logs and those of
 * the federation step (token exchange, impersonation) with a sink to a retained bucket,
 * and the org policies that keep the promises against a console click: no service account
 * keys (created or uploaded), no audit logging exemptions, and only the identity providers
 * the workload stacks declare. Deploy it first; the workload stacks refer to the database
 * by id, and their providers must be allowed before they are created.
 */
export class PlatformStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { env } = props;

    let database: IFirestoreDatabase;
    if (env.manageDatabase) {
      const managed = new FirestoreDatabase(this, "database", {
        projectId: env.projectId,
        databaseId: env.databaseId,
        locationId: env.locationId,
        // Prod keeps 14 weeks of weekly backups on top of a week of daily ones.
        backupSchedules: [
          { recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 7 },
          ...(this.isProd ? [{ recurrence: FirestoreBackupRecurrence.WEEKLY, retentionDays: 98 }] : []),
        ],
      });
      new TerraformOutput(this, "database_name", { value: managed.databaseName, description: "the Firestore database every grant in this environment is conditioned on" });
      database = managed;
    } else {
      database = FirestoreDatabase.fromExisting(this, "database", { projectId: env.projectId, databaseId: env.databaseId });
    }

    // Managed exports (run by the Buildkite deployer) are a copy of the data: locked down, retained, and in the report.
    const exports = new FirestoreExportBucket(this, "exports", {
      database,
      bucketName: env.exportBucketName,
      location: env.auditBucketLocation,
      retentionDays: env.exportRetentionDays,
      lockRetention: this.isProd,
      deleteAfterDays: env.exportRetentionDays * 3,
    });
    exports.grantExportJob(); // same project: the Firestore service agent already has access, nothing is granted
    new TerraformOutput(this, "export_bucket", { value: exports.url, description: "destination of `gcloud firestore export`" });

    const audit = new FirestoreAuditLogging(this, "audit", {
      projectId: env.projectId,
      destination: AuditLogDestination.storage({
        bucketName: env.auditBucketName,
        location: env.auditBucketLocation,
        retentionDays: env.auditRetentionDays,
        // Irreversible: in prod nobody, not even a project owner, can shorten the audit trail.
        lockRetention: env.auditRetentionLocked,
      }),
    });
    new TerraformOutput(this, "audit_sink_writer", { value: audit.writerIdentity, description: "identity that writes Firestore audit entries to the bucket" });

    new ServiceAccountKeyCreationPolicy(this, "no-service-account-keys", { projectId: env.projectId });
    new ServiceAccountKeyUploadPolicy(this, "no-service-account-key-upload", { projectId: env.projectId });
    new AuditLoggingExemptionPolicy(this, "no-audit-logging-exemption", { projectId: env.projectId });
    // The issuers of every pool this App declares in the project (Buildkite, Entra ID), read at synth.
    new WorkloadIdentityProviderPolicy(this, "declared-identity-providers", { projectId: env.projectId });
  }
}
