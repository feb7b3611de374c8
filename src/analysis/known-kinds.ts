import { ConditionVerdict } from "./conditions";

/**
 * Values Terraform fills in at apply whose kind is known before: a sink's writer identity
 * is a Google service agent, an Entra object id is a GUID. A binding to such a value can be
 * judged for most identities without the value, so it need not make every answer unknown:
 * a workload identity or one of the stack's own service accounts is never a service agent,
 * and a claim that is not a GUID is never an Entra object id.
 */
export type KnownKind = "service-agent" | "guid";

interface KnownReference {
  /** Terraform type (`data.` prefix for data sources). */
  readonly type: string;
  readonly attributes: readonly string[];
  readonly kind: KnownKind;
  readonly source: string;
}

const REGISTRY = "https://registry.terraform.io/providers/hashicorp";

/**
 * The references this library emits (and their siblings) whose kind is known. Service agents
 * are Google-managed service accounts (https://cloud.google.com/iam/docs/service-agents);
 * Entra object and client ids are GUIDs (Microsoft Graph: `id` of servicePrincipal,
 * application, group and user is a GUID string, https://learn.microsoft.com/graph/api/resources/serviceprincipal).
 */
const KNOWN_REFERENCES: readonly KnownReference[] = [
  ...["project", "folder", "organization", "billing_account"].map((level) => ({
    type: `google_logging_${level}_sink`,
    attributes: ["writer_identity"],
    kind: "service-agent" as const,
    // "The identity associated with this sink. This identity must be granted write access to the configured destination."
    source: `${REGISTRY}/google/latest/docs/resources/logging_${level}_sink#writer_identity`,
  })),
  { type: "google_project_service_identity", attributes: ["email", "member"], kind: "service-agent", source: `${REGISTRY}/google-beta/latest/docs/resources/project_service_identity` },
  { type: "data.google_storage_project_service_account", attributes: ["email_address", "member"], kind: "service-agent", source: `${REGISTRY}/google/latest/docs/data-sources/storage_project_service_account` },
  { type: "data.google_bigquery_default_service_account", attributes: ["email", "member"], kind: "service-agent", source: `${REGISTRY}/google/latest/docs/data-sources/bigquery_default_service_account` },
  { type: "data.google_storage_transfer_project_service_account", attributes: ["email", "member"], kind: "service-agent", source: `${REGISTRY}/google/latest/docs/data-sources/storage_transfer_project_service_account` },
  { type: "azuread_service_principal", attributes: ["object_id", "client_id", "application_id"], kind: "guid", source: `${REGISTRY}/azuread/latest/docs/resources/service_principal#attributes-reference` },
  { type: "azuread_application", attributes: ["client_id", "object_id", "application_id"], kind: "guid", source: `${REGISTRY}/azuread/latest/docs/resources/application#attributes-reference` },
  { type: "azuread_group", attributes: ["object_id"], kind: "guid", source: `${REGISTRY}/azuread/latest/docs/resources/group#attributes-reference` },
  { type: "azuread_user", attributes: ["object_id"], kind: "guid", source: `${REGISTRY}/azuread/latest/docs/resources/user#attributes-reference` },
  { type: "data.azuread_client_config", attributes: ["object_id", "client_id", "tenant_id"], kind: "guid", source: `${REGISTRY}/azuread/latest/docs/data-sources/client_config` },
];

const BY_TYPE_ATTRIBUTE = new Map(KNOWN_REFERENCES.flatMap((r) => r.attributes.map((a) => [`${r.type}.${a}`, r] as const)));
const WHOLE_REFERENCE = /^(?:(user|group|serviceAccount):)?\$\{((?:data\.)?[a-z][a-z0-9_]*)\.[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\}$/i;

/** The kind of a member or value that is exactly one reference of the table (`${type.name.attr}`, or `serviceAccount:${…}`), if known. */
export function knownKindOf(value: string): KnownKind | undefined {
  const m = WHOLE_REFERENCE.exec(value);
  if (!m) return undefined;
  const row = BY_TYPE_ATTRIBUTE.get(`${m[2].toLowerCase()}.${m[3].toLowerCase()}`);
  if (!row) return undefined;
  // A service agent named as user: or group: would be a misconfiguration Google rejects, not an agent.
  if (row.kind === "service-agent" && m[1] !== undefined && m[1].toLowerCase() !== "serviceaccount") return undefined;
  return row.kind;
}

/**
 * Whether a service account email may be a service agent: user-managed accounts are
 * `NAME@PROJECT.iam.gserviceaccount.com`; agents live under Google's own domains
 * (`gcp-sa-*.iam.gserviceaccount.com`, `system.gserviceaccount.com`, `*.gserviceaccount.com`
 * other than `PROJECT.iam…`), https://cloud.google.com/iam/docs/service-agents.
 */
export function mayBeServiceAgent(email: string): boolean {
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const managed = /^([a-z][a-z0-9-]*)\.iam\.gserviceaccount\.com$/.exec(domain);
  return !managed || managed[1].startsWith("gcp-sa-");
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who asks, as far as a value of known kind can be judged. */
export interface KindAsker {
  /** A workload identity (federated or GKE): never a service agent, never a Google account or group member. */
  readonly federated: boolean;
  /** The Google identity's type when the asker is one (`user`, `serviceAccount`, `group`). */
  readonly googleType?: string;
  /** Service account email when the asker is one. */
  readonly serviceAccount?: string;
}

const NO: ConditionVerdict = { verdict: "no", reason: "" };

/**
 * A whole member Terraform fills in (`${…writer_identity}`, `serviceAccount:${…email}`):
 * of a known kind it is judged by kind; its prefix alone already rules out whoever it cannot
 * name (a workload identity is never `user:`, `serviceAccount:`, `group:` or `domain:`; a
 * service account is never `user:` or `domain:`); else unknown as before.
 */
export function unresolvedMemberVerdict(raw: string, who: KindAsker): ConditionVerdict {
  const kind = knownKindOf(raw);
  if (kind === "service-agent") {
    if (who.federated || who.serviceAccount === undefined || !mayBeServiceAgent(who.serviceAccount)) return NO;
    return { verdict: "unknown", reason: `member ${raw} is a Google service agent Terraform fills in, which ${who.serviceAccount} may be` };
  }
  if (kind === "guid") return NO;
  const prefix = /^(user|group|serviceAccount|domain):/.exec(raw)?.[1];
  if (prefix !== undefined) {
    if (who.federated) return NO;
    const canName: { [p: string]: readonly string[] } = { user: ["user"], domain: ["user"], serviceAccount: ["serviceAccount"], group: ["user", "serviceAccount", "group"] };
    if (who.googleType !== undefined && !canName[prefix].includes(who.googleType)) return NO;
  }
  return { verdict: "unknown", reason: `member ${raw} is a reference Terraform fills in` };
}

/**
 * A principal set's value that Terraform fills in (`…/attribute.oid/${azuread_service_principal.x.object_id}`),
 * against the values the identity maps that key to.
 */
export function unresolvedValueVerdict(member: string, value: string, own: readonly string[]): ConditionVerdict {
  if (knownKindOf(value) === "guid" && !own.some((v) => GUID.test(v))) return NO;
  if (own.length === 0) return NO;
  return { verdict: "unknown", reason: `member ${member} compares with ${value}, which Terraform fills in` };
}
