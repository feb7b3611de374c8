import type { LoggingProjectExclusion } from "@cdktf/provider-google/lib/logging-project-exclusion";
import type { LoggingProjectSink } from "@cdktf/provider-google/lib/logging-project-sink";
import type { ProjectIamAuditConfig } from "@cdktf/provider-google/lib/project-iam-audit-config";
import { TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { IPrincipal } from "../core/principal";
import { check, checkEach, checkOptional, checkShape, checkText, checkUnique, checkWrittenInCode, inputError, literalParts, oneOf } from "../core/validate";
import { AuditLogDestination, AuditLogDestinationKind } from "./audit-log-destination";
import {
  AUDIT_METHOD_NAME,
  EXCLUSION_DESCRIPTION,
  EXCLUSION_NAME,
  FEDERATION_LOG_SERVICES,
  MAX_SINK_EXCLUSIONS,
  FIRESTORE_AUDIT_SERVICE,
  FIRESTORE_LOG_SERVICES,
  IAM_AUDIT_SERVICE,
  SINK_NAME,
  STS_AUDIT_SERVICE,
  auditFilter,
  serviceClause,
} from "./audit-rules";
import { PROJECT_ID } from "./gcp-rules";
import { MAX_LOGGING_FILTER_LENGTH, loggingStringLiteral } from "./logging-filter";
import { requireCdktfApp } from "../core/supported-core";

/** Audit log types that can be switched on; Admin Activity (admin writes) is always logged. */
export enum AuditLogType {
  ADMIN_READ = "ADMIN_READ",
  DATA_READ = "DATA_READ",
  DATA_WRITE = "DATA_WRITE",
}

/**
 * Audit entries left out on purpose, to save cost: neither stored in the project's _Default
 * log bucket nor exported by the sink. Only Firestore Data Access entries are matched: never
 * Admin Activity, and never the federation step (token exchanges, impersonation), so who
 * became which service account stays on record whatever is excluded. Every exclusion is
 * listed in the access report with its reason. Give methods, principals or both (then only
 * those principals' calls of those methods).
 */
export interface AuditLogExclusion {
  /** 1-100 characters of [A-Za-z0-9_.-]; also the name of the _Default sink exclusion. */
  readonly name: string;
  /** Why these entries are not needed; at least 10 characters, shown in the report. */
  readonly description: string;
  /** Full method names as entries carry them (protoPayload.methodName), e.g. `google.firestore.v1.Firestore.Listen`. */
  readonly methods?: string[];
  /** Google users or service accounts (by their email in protoPayload.authenticationInfo.principalEmail). */
  readonly principals?: IPrincipal[];
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
  /**
   * Also log the federation step: token exchanges (sts.googleapis.com) and service account
   * impersonation (iamcredentials.googleapis.com, switched on through iam.googleapis.com),
   * both ADMIN_READ Data Access logs, exported by the same sink. They answer "which external
   * identity became which service account" next to the Firestore entries.
   * @default true
   */
  readonly auditFederation?: boolean;
  /** Entries left out to save cost, each visible in the access report. @default none */
  readonly exclusions?: AuditLogExclusion[];
}

const DEFAULT_LOG_TYPES = [AuditLogType.ADMIN_READ, AuditLogType.DATA_READ, AuditLogType.DATA_WRITE];

/**
 * The audit config is authoritative per project and service: a second one would silently
 * overwrite the first at apply time, so the App refuses it at construction instead.
 */
const auditedProjectsByApp = new WeakMap<IConstruct, Map<string, string>>();

function claimProject(site: Construct, projectId: string, services: readonly string[]): void {
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
      `audit logging for ${services.join(", ")} is already declared for this project by ${first}; google_project_iam_audit_config is authoritative, so declare it once per project`,
    );
  }
  claimed.set(projectId, site.node.path);
}

const DATA_ACCESS_LOG = 'logName:"cloudaudit.googleapis.com%2Fdata_access"';
const FEDERATION_LOG_TYPES = [AuditLogType.ADMIN_READ];

/**
 * The principals' emails as audit entries carry them; groups and federated identities never
 * appear there. The member type must be written in the code (a value Terraform fills in could
 * be a group, which no entry names); the email may be a value Terraform fills in, and is
 * quoted as a filter string either way (loggingStringLiteral).
 */
function principalEmails(site: Construct, exclusion: AuditLogExclusion, index: number): string[] {
  return (exclusion.principals ?? []).map((p, j) => {
    const m = /^(user|serviceAccount):(.+)$/s.exec(p.iamMember);
    // Quotes, backslashes and spaces never occur in an email; written in the code, they are a mistake to name.
    if (!m || /["\\\s]/.test(literalParts(m[2]))) {
      throw inputError(site, `exclusions[${index}].principals[${j}]`, p.iamMember, "must be a user or service account (user: or serviceAccount: written in the code) whose email has no quote, backslash or space: entries name the caller by email, never by group or federated set");
    }
    return m[2];
  });
}

/** Every value is one quoted filter string (loggingStringLiteral): none can add an OR of its own. */
function exclusionFilter(services: readonly string[], methods: readonly string[], emails: readonly string[]): string {
  const parts = [DATA_ACCESS_LOG, serviceClause(services)];
  if (methods.length > 0) parts.push(`(${methods.map((m) => `protoPayload.methodName=${loggingStringLiteral(m)}`).join(" OR ")})`);
  if (emails.length > 0) parts.push(`(${emails.map((e) => `protoPayload.authenticationInfo.principalEmail=${loggingStringLiteral(e)}`).join(" OR ")})`);
  return parts.join(" AND ");
}

/** Google refuses a longer filter; with values Terraform fills in, the part written in the code is what can be counted. */
function checkFilterLength(site: Construct, property: string, filter: string): void {
  const length = literalParts(filter).length;
  if (length > MAX_LOGGING_FILTER_LENGTH) {
    throw inputError(site, property, `a filter of ${length} characters`, `a sink exclusion filter is at most ${MAX_LOGGING_FILTER_LENGTH.toLocaleString("en-US")} characters (Cloud Logging quotas): split it into more exclusions`);
  }
}

/**
 * Turns on Firestore Data Access audit logs for a project (one authoritative
 * google_project_iam_audit_config on datastore.googleapis.com) and routes every Firestore
 * audit entry through a sink with its own writer identity to a retained destination. By
 * default it also logs the federation step (Security Token Service exchanges and service
 * account impersonation) and exports those entries with the Firestore ones, so one
 * destination answers "which pipeline became which service account and read what".
 */
export class FirestoreAuditLogging extends Construct {
  public readonly projectId: string;
  public readonly logTypes: AuditLogType[];
  /** The audit config of datastore.googleapis.com. */
  public readonly auditConfig: ProjectIamAuditConfig;
  /** The audit configs of sts.googleapis.com and iam.googleapis.com; empty with auditFederation off. */
  public readonly federationAuditConfigs: ProjectIamAuditConfig[];
  /** Service names the sink exports entries of (as entries carry them in protoPayload.serviceName). */
  public readonly loggedServices: string[];
  public readonly sink: LoggingProjectSink;
  /** One exclusion on the project's _Default sink per AuditLogExclusion. */
  public readonly defaultSinkExclusions: LoggingProjectExclusion[];
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
    requireCdktfApp(this);
    checkShape(this, "", props, {
      projectId: "string",
      logTypes: "string[]?",
      exemptedMembers: "principal[]?",
      sinkName: "string?",
      auditFederation: "boolean?",
      exclusions: "object[]?",
    });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    const sinkName = checkOptional(this, "sinkName", props.sinkName, SINK_NAME) ?? "firestore-audit";
    this.logTypes = [...(props.logTypes ?? DEFAULT_LOG_TYPES)];
    if (this.logTypes.length === 0) throw inputError(this, "logTypes", this.logTypes, `must list at least one of ${DEFAULT_LOG_TYPES.join(", ")}`);
    checkEach(this, "logTypes", this.logTypes, oneOf(DEFAULT_LOG_TYPES));
    checkUnique(this, "logTypes", this.logTypes, "log types");
    const exempted = (props.exemptedMembers ?? []).map((p) => p.iamMember);
    checkUnique(this, "exemptedMembers", exempted, "exempted members");
    if (props.destination === undefined) throw inputError(this, "destination", undefined, "is required: use AuditLogDestination.bigQuery, .storage, .logBucket or .pubSub");
    const federation = props.auditFederation ?? true;
    this.loggedServices = [...FIRESTORE_LOG_SERVICES, ...(federation ? FEDERATION_LOG_SERVICES : [])];
    if ((props.exclusions ?? []).length > MAX_SINK_EXCLUSIONS) {
      throw inputError(this, "exclusions", `${props.exclusions!.length} exclusions`, `a sink takes at most ${MAX_SINK_EXCLUSIONS} exclusion filters (Cloud Logging quotas)`);
    }
    const exclusions = (props.exclusions ?? []).map((e, i) => {
      checkShape(this, `exclusions[${i}]`, e, { name: "string", description: "string", methods: "string[]?", principals: "principal[]?" });
      const methods = e.methods ?? [];
      checkEach(this, `exclusions[${i}].methods`, methods, AUDIT_METHOD_NAME);
      checkUnique(this, `exclusions[${i}].methods`, methods, "methods");
      const emails = principalEmails(this, e, i);
      checkUnique(this, `exclusions[${i}].principals`, emails, "principals");
      if (methods.length === 0 && emails.length === 0) {
        throw inputError(this, `exclusions[${i}]`, e.name, "must name methods, principals or both: an exclusion of everything would switch auditing off");
      }
      checkWrittenInCode(this, `exclusions[${i}].name`, e.name, "it names the _Default sink exclusion's construct and must be unique among the exclusions");
      const filter = exclusionFilter(FIRESTORE_LOG_SERVICES, methods, emails);
      checkFilterLength(this, `exclusions[${i}]`, filter);
      return {
        name: check(this, `exclusions[${i}].name`, e.name, EXCLUSION_NAME),
        description: checkText(this, `exclusions[${i}].description`, e.description, EXCLUSION_DESCRIPTION),
        filter,
      };
    });
    checkUnique(this, "exclusions", exclusions.map((e) => e.name), "exclusion names");

    // Loaded on first use rather than with the library: audit logging is declared once per project.
    const { ProjectIamAuditConfig } = require("@cdktf/provider-google/lib/project-iam-audit-config") as typeof import("@cdktf/provider-google/lib/project-iam-audit-config");
    const { LoggingProjectSink } = require("@cdktf/provider-google/lib/logging-project-sink") as typeof import("@cdktf/provider-google/lib/logging-project-sink");
    this.auditConfig = new ProjectIamAuditConfig(this, "AuditConfig", {
      project: this.projectId,
      service: FIRESTORE_AUDIT_SERVICE,
      auditLogConfig: this.logTypes.map((logType) => ({ logType, exemptedMembers: exempted.length > 0 ? exempted : undefined })),
    });
    // exemptedMembers are about Firestore reads and writes; who exchanged or impersonated is always logged.
    const federationLogs = FEDERATION_LOG_TYPES.map((logType) => ({ logType }));
    this.federationAuditConfigs = federation
      ? [
          new ProjectIamAuditConfig(this, "StsAuditConfig", { project: this.projectId, service: STS_AUDIT_SERVICE, auditLogConfig: federationLogs }),
          new ProjectIamAuditConfig(this, "IamAuditConfig", { project: this.projectId, service: IAM_AUDIT_SERVICE, auditLogConfig: federationLogs }),
        ]
      : [];

    const destinationScope = new Construct(this, "Destination");
    const destination = props.destination._bind(destinationScope, this, this.projectId);
    this.destinationKind = props.destination.kind;
    this.destinationUri = destination.uri;
    this.destinationResource = destination.resource;
    claimProject(this, this.projectId, [FIRESTORE_AUDIT_SERVICE, ...(federation ? [STS_AUDIT_SERVICE, IAM_AUDIT_SERVICE] : [])]);

    this.sink = new LoggingProjectSink(this, "Sink", {
      project: this.projectId,
      name: sinkName,
      description: federation ? `Firestore and federation audit entries of ${this.projectId}` : `Firestore audit entries of ${this.projectId}`,
      destination: destination.uri,
      filter: auditFilter(this.loggedServices),
      exclusions: exclusions.length > 0 ? exclusions : undefined,
      uniqueWriterIdentity: true,
      bigqueryOptions: destination.usePartitionedTables === undefined ? undefined : { usePartitionedTables: destination.usePartitionedTables },
      dependsOn: [destination.resource],
    });
    this.writerIdentity = this.sink.writerIdentity;
    this.writerGrant = destination.grantWriter(this.writerIdentity);

    // The _Default sink stores (and bills) every Data Access entry too: an exclusion saves cost only if it applies there as well.
    this.defaultSinkExclusions = [];
    if (exclusions.length > 0) {
      const { LoggingProjectExclusion } = require("@cdktf/provider-google/lib/logging-project-exclusion") as typeof import("@cdktf/provider-google/lib/logging-project-exclusion");
      this.defaultSinkExclusions = exclusions.map((e) => new LoggingProjectExclusion(this, `DefaultSinkExclusion-${e.name}`, { project: this.projectId, ...e }));
    }
  }
}
