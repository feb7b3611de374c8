import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import {
  AuditLogDestination,
  FirestoreAuditLogging,
  FirestoreBackupRecurrence,
  FirestoreDatabase,
  ServiceAccountKeyCreationPolicy,
} from "../../src";
import { EnvironmentStack, ExampleStackProps } from "../shared/environment-stack";

/**
 * The project-wide pieces of one environment, owned by one stack so the workload stacks
 * never fight over them: the Firestore database, its Data Access audit logs with a sink to
 * a retained bucket, and the org policy that forbids service account keys.
 * Deploy it first; the workload stacks refer to the database by id.
 */
export class PlatformStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { env } = props;

    if (env.manageDatabase) {
      const database = new FirestoreDatabase(this, "database", {
        projectId: env.projectId,
        databaseId: env.databaseId,
        locationId: env.locationId,
        // Prod keeps 14 weeks of weekly backups on top of a week of daily ones.
        backupSchedules: [
          { recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 7 },
          ...(this.isProd ? [{ recurrence: FirestoreBackupRecurrence.WEEKLY, retentionDays: 98 }] : []),
        ],
      });
      new TerraformOutput(this, "database_name", { value: database.databaseName, description: "the Firestore database every grant in this environment is conditioned on" });
    }

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
  }
}
