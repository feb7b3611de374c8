import type { LoggingProjectSink } from "@cdktf/provider-google/lib/logging-project-sink";
import type { ProjectIamAuditConfig } from "@cdktf/provider-google/lib/project-iam-audit-config";
import { TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { IPrincipal } from "../core/principal";
import { check, checkEach, checkOptional, checkShape, checkUnique, inputError, oneOf } from "../core/validate";
import { AuditLogDestination, AuditLogDestinationKind } from "./audit-log-destination";
import { FIRESTORE_AUDIT_FILTER, FIRESTORE_AUDIT_SERVICE, SINK_NAME } from "./audit-rules";
import { PROJECT_ID } from "./gcp-rules";

/** Audit log types that can be switched on; Admin Activity (admin writes) is always logged. */
export enum AuditLogType {
  ADMIN_READ = "ADMIN_READ",
  DATA_READ = "DATA_READ",
  DATA_WRITE = "DATA_WRITE",
}

export interface FirestoreAuditLoggingProps {
  /** The project whose Firestore databases are audited. */
  readonly projectId: string;
  /** Where the sink sends Firestore audit entries; one destination per FirestoreAuditLogging. */
  readonly destination: AuditLogDestination;
  /** @default [ADMIN_READ, DATA_READ, DATA_WRITE] */
  readonly logTypes?: AuditLogType[];
  /**
   * Principals whose Firestore reads and writes are NOT logged. Every exemption is a blind
   * spot in the audit trail (CIS GCP 2.1), so there is none unless listed here.
   * @default none
   */
  readonly exemptedMembers?: IPrincipal[];
  /** @default "firestore-audit" */
  readonly sinkName?: string;
}

const DEFAULT_LOG_TYPES = [AuditLogType.ADMIN_READ, AuditLogType.DATA_READ, AuditLogType.DATA_WRITE];

/**
 * The audit config is authoritative per project and service: a second one would silently
 * overwrite the first at apply time, so the App refuses it at construction instead.
 */
const auditedProjectsByApp = new WeakMap<IConstruct, Map<string, string>>();

function claimProject(site: Construct, projectId: string): void {
  const root = site.node.root;
  let claimed = auditedProjectsByApp.get(root);
  if (!claimed) {
    claimed = new Map();
    auditedProjectsByApp.set(root, claimed);
  }
  const first = claimed.get(projectId);
  if (first !== undefined) {
    throw inputError(
      site,
      "projectId",
      projectId,
      `audit logging for ${FIRESTORE_AUDIT_SERVICE} is already declared for this project by ${first}; google_project_iam_audit_config is authoritative, so declare it once per project`,
    );
  }
  claimed.set(projectId, site.node.path);
}

/**
 * Turns on Firestore Data Access audit logs for a project (one authoritative
 * google_project_iam_audit_config on datastore.googleapis.com) and routes every Firestore
 * audit entry through a sink with its own writer identity to a retained destination.
 */
export class FirestoreAuditLogging extends Construct {
  public readonly projectId: string;
  public readonly logTypes: AuditLogType[];
  public readonly auditConfig: ProjectIamAuditConfig;
  public readonly sink: LoggingProjectSink;
  /** The sink's service account, `serviceAccount:...` (known after apply). */
  public readonly writerIdentity: string;
  /** The sink's destination, e.g. `storage.googleapis.com/BUCKET`. */
  public readonly destinationUri: string;
  public readonly destinationKind: AuditLogDestinationKind;
  /** The bucket, dataset, topic or log bucket created for the sink. */
  public readonly destinationResource: TerraformResource;
  /** The writer identity's grant on the destination; undefined for a log bucket in the same project. */
  public readonly writerGrant?: TerraformResource;

  constructor(scope: Construct, id: string, props: FirestoreAuditLoggingProps) {
    super(scope, id);
    checkShape(this, "", props, { projectId: "string", logTypes: "string[]?", exemptedMembers: "principal[]?", sinkName: "string?" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    const sinkName = checkOptional(this, "sinkName", props.sinkName, SINK_NAME) ?? "firestore-audit";
    this.logTypes = [...(props.logTypes ?? DEFAULT_LOG_TYPES)];
    if (this.logTypes.length === 0) throw inputError(this, "logTypes", this.logTypes, `must list at least one of ${DEFAULT_LOG_TYPES.join(", ")}`);
    checkEach(this, "logTypes", this.logTypes, oneOf(DEFAULT_LOG_TYPES));
    checkUnique(this, "logTypes", this.logTypes, "log types");
    const exempted = (props.exemptedMembers ?? []).map((p) => p.iamMember);
    checkUnique(this, "exemptedMembers", exempted, "exempted members");
    if (props.destination === undefined) throw inputError(this, "destination", undefined, "is required: use AuditLogDestination.bigQuery, .storage, .logBucket or .pubSub");

    // Loaded on first use rather than with the library: audit logging is declared once per project.
    const { ProjectIamAuditConfig } = require("@cdktf/provider-google/lib/project-iam-audit-config") as typeof import("@cdktf/provider-google/lib/project-iam-audit-config");
    const { LoggingProjectSink } = require("@cdktf/provider-google/lib/logging-project-sink") as typeof import("@cdktf/provider-google/lib/logging-project-sink");
    this.auditConfig = new ProjectIamAuditConfig(this, "AuditConfig", {
      project: this.projectId,
      service: FIRESTORE_AUDIT_SERVICE,
      auditLogConfig: this.logTypes.map((logType) => ({ logType, exemptedMembers: exempted.length > 0 ? exempted : undefined })),
    });

    const destinationScope = new Construct(this, "Destination");
    const destination = props.destination._bind(destinationScope, this, this.projectId);
    this.destinationKind = props.destination.kind;
    this.destinationUri = destination.uri;
    this.destinationResource = destination.resource;
    claimProject(this, this.projectId);

    this.sink = new LoggingProjectSink(this, "Sink", {
      project: this.projectId,
      name: sinkName,
      description: `Firestore audit entries of ${this.projectId}`,
      destination: destination.uri,
      filter: FIRESTORE_AUDIT_FILTER,
      uniqueWriterIdentity: true,
      bigqueryOptions: destination.usePartitionedTables === undefined ? undefined : { usePartitionedTables: destination.usePartitionedTables },
      dependsOn: [destination.resource],
    });
    this.writerIdentity = this.sink.writerIdentity;
    this.writerGrant = destination.grantWriter(this.writerIdentity);
  }
}
