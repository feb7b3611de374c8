import { evaluateCel } from "./cel-evaluator";
import { ProviderModel } from "./iam-model";
import { PoolRef } from "./members";

/** The decoded claims of an OIDC token (JWT payload), `iss` and `aud` included. */
export type TokenClaims = { readonly [claim: string]: unknown };

/** Who a token becomes once a provider admits it: Google's view of the external identity. */
export interface FederatedIdentity {
  readonly pool: PoolRef;
  readonly subject: string;
  readonly groups: readonly string[];
  /** `attribute.K` (or GKE's `namespace`, `kubernetes.cluster`...) → its values. */
  readonly attributes: ReadonlyMap<string, readonly string[]>;
  /** Who vouched, e.g. `google_iam_workload_identity_pool_provider.x (stack buildkite-dev)`. */
  readonly via: string;
}

/** Where admission stopped. */
export type AdmissionStep = "provider" | "issuer" | "audience" | "attribute_mapping" | "google.subject" | "attribute_condition";

export interface Admission {
  readonly verdict: "admitted" | "refused" | "unknown";
  /** The provider (or GKE) that judged the token. */
  readonly by: string;
  /** Set when refused or unknown. */
  readonly step?: AdmissionStep;
  readonly reason: string;
  readonly identity?: FederatedIdentity;
  /** True when the provider trusts the token's issuer: its verdict is the interesting one. */
  readonly issuerMatches: boolean;
}

/**
 * Google's limits on attribute mapping, from the REST reference of
 * projects.locations.workloadIdentityPools.providers (attributeMapping,
 * https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers):
 * google.subject "Cannot exceed 127 bytes"; "You can define a maximum of 50 custom
 * attributes"; "When evaluated, the total size of all mapped attributes must not exceed 8KB".
 */
export const MAX_SUBJECT_BYTES = 127;
export const MAX_CUSTOM_ATTRIBUTES = 50;
/**
 * 8 KB, counted as the UTF-8 bytes of the mapped values only: whether Google counts the keys
 * too is not documented, and counting fewer bytes can only make the simulator admit a token
 * Google refuses (a false alarm), never refuse one Google admits.
 */
export const MAX_MAPPED_BYTES = 8 * 1024;
/** A GKE cluster's OIDC issuer; its Kubernetes service account tokens become `PROJECT.svc.id.goog` identities. */
const GKE_ISSUER = /^https:\/\/container\.googleapis\.com\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/;
const KSA_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

export function audiences(claims: TokenClaims): string[] {
  const aud = claims.aud;
  if (typeof aud === "string") return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function providerLabel(p: ProviderModel): string {
  return `${p.resource.address} (stack ${p.stack.name})`;
}

/**
 * The audience a provider without allowed_audiences accepts: its own resource name, with
 * or without `https:`, under the project NUMBER, which is unknown before apply, so any
 * number matches; once a state or the options give the number, only that one does.
 */
const defaultAudiences = new WeakMap<ProviderModel, RegExp>();

function defaultAudience(p: ProviderModel): RegExp {
  let re = defaultAudiences.get(p);
  if (!re) defaultAudiences.set(p, (re = audiencePattern(p)));
  return re;
}

function audiencePattern(p: ProviderModel): RegExp {
  return new RegExp(
    `^(?:https:)?//iam\\.googleapis\\.com/projects/${p.projectNumber ?? "[0-9]+"}/locations/global/workloadIdentityPools/${escape(p.pool.poolId)}/providers/${escape(p.providerId)}$`,
  );
}

/** Whether the provider accepts one of the audiences, without the words: thousands of providers are asked per question. */
export function acceptsAudience(p: ProviderModel, auds: readonly string[]): boolean | "unknown" {
  if (p.allowedAudiences.length === 0) {
    if (p.pool.poolId.includes("${") || p.providerId.includes("${")) return "unknown";
    const re = defaultAudience(p);
    return auds.some((a) => re.test(a));
  }
  if (auds.some((a) => p.allowedAudiences.includes(a))) return true;
  return p.allowedAudiences.some((a) => a.includes("${")) ? "unknown" : false;
}

/** The audience verdict in words, for the answer; acceptsAudience decides. */
function checkAudience(p: ProviderModel, auds: string[]): { ok: boolean | "unknown"; reason: string } {
  const ok = acceptsAudience(p, auds);
  if (ok === true) return { ok, reason: "" };
  if (p.allowedAudiences.length === 0) {
    if (ok === "unknown") return { ok, reason: "the provider's id is a reference Terraform fills in, so its default audience is unknown" };
    const name = `//iam.googleapis.com/projects/${p.projectNumber ?? "NUMBER"}/locations/global/workloadIdentityPools/${p.pool.poolId}/providers/${p.providerId}`;
    const number = p.projectNumber ? `${p.projectNumber} is project ${p.pool.project}'s number` : "NUMBER is the project number, not its id";
    return { ok, reason: `aud ${JSON.stringify(auds)} is not the provider's own name ${name} (allowed_audiences is empty; ${number})` };
  }
  if (ok === "unknown") return { ok, reason: "allowed_audiences holds references Terraform fills in" };
  return { ok, reason: `aud ${JSON.stringify(auds)} is none of allowed_audiences ${JSON.stringify(p.allowedAudiences)}` };
}

function refused(by: string, step: AdmissionStep, reason: string, issuerMatches = true): Admission {
  return { verdict: "refused", by, step, reason, issuerMatches };
}

function unknown(by: string, step: AdmissionStep, reason: string): Admission {
  return { verdict: "unknown", by, step, reason, issuerMatches: true };
}

/**
 * Evaluates a token the way Google's Security Token Service does for one provider, in
 * Google's order: issuer, audience, attribute mapping (google.subject required, at most
 * 127 bytes), attribute condition. Signature and expiry are not checked: a fixture is not
 * signed, and the question is what the configuration admits.
 */
export function admitThroughProvider(p: ProviderModel, claims: TokenClaims): Admission {
  const by = providerLabel(p);
  if (p.issuer.includes("${")) return { ...unknown(by, "issuer", `issuer_uri is a reference Terraform fills in (${p.issuer})`), issuerMatches: false };
  if (p.issuer === "") return refused(by, "issuer", "is not an OIDC provider", false);
  if (p.issuer !== claims.iss) return refused(by, "issuer", `trusts issuer ${p.issuer || "(none: not an OIDC provider)"}, not ${JSON.stringify(claims.iss)}`, false);
  if (p.disabled) return refused(by, "provider", "the provider or its pool is disabled");
  if (p.unresolved.length > 0) return unknown(by, "provider", p.unresolved.join("; "));
  const aud = checkAudience(p, audiences(claims));
  if (aud.ok === false) return refused(by, "audience", aud.reason);
  // Not knowing the audience yet does not stop a later step from refusing the token for sure.
  let pending = aud.ok === "unknown" ? unknown(by, "audience", aud.reason) : undefined;

  const custom = Object.keys(p.attributeMapping).filter((k) => k.startsWith("attribute.")).length;
  if (custom > MAX_CUSTOM_ATTRIBUTES) {
    return refused(by, "attribute_mapping", `the mapping defines ${custom} custom attributes; Google accepts at most ${MAX_CUSTOM_ATTRIBUTES}, so the provider is never created`);
  }
  const attributes = new Map<string, string[]>();
  let mappedBytes = 0;
  // What the condition sees under `attribute`: each value as mapped, a list staying a list.
  const attributeValues: { [name: string]: unknown } = {};
  let subject: string | undefined;
  let groups: string[] = [];
  for (const key of Object.keys(p.attributeMapping).sort()) {
    const expression = p.attributeMapping[key];
    if (expression.includes("${")) return unknown(by, "attribute_mapping", `${key} is mapped by an expression holding a reference Terraform fills in`);
    const out = evaluateCel(expression, { assertion: claims });
    if (out.kind === "syntax") return refused(by, "attribute_mapping", `${key} mapping \`${expression}\` does not parse (${out.message}); Google rejects the provider`);
    if (out.kind === "unsupported") return unknown(by, "attribute_mapping", `${key} mapping \`${expression}\` uses what this engine lacks (${out.message})`);
    if (out.kind === "error") {
      if (key === "google.subject") return refused(by, "google.subject", `google.subject mapping \`${expression}\` fails on this token (${out.message})`);
      // Evaluated on without the attribute: a later step may still refuse the token for sure.
      pending ??= unknown(
        by,
        "attribute_mapping",
        `${key} mapping \`${expression}\` fails on this token (${out.message}); Google does not document whether such a token is refused or the attribute left unset: guard optional claims with has()`,
      );
      continue;
    }
    const values = Array.isArray(out.value) ? out.value : [out.value];
    if (!values.every((v) => typeof v === "string")) {
      return unknown(by, "attribute_mapping", `${key} mapping \`${expression}\` gives ${JSON.stringify(out.value)}, not a string or list of strings`);
    }
    for (const v of values as string[]) mappedBytes += Buffer.byteLength(v, "utf8");
    if (key === "google.subject") subject = values.join("");
    else if (key === "google.groups") groups = values as string[];
    else if (key.startsWith("attribute.")) {
      attributes.set(key, values as string[]);
      attributeValues[key.slice("attribute.".length)] = out.value;
    }
  }
  if (subject === undefined || subject === "") return refused(by, "google.subject", "the mapping gives no google.subject");
  const bytes = Buffer.byteLength(subject, "utf8");
  if (bytes > MAX_SUBJECT_BYTES) return refused(by, "google.subject", `google.subject is ${bytes} bytes; Google accepts at most ${MAX_SUBJECT_BYTES}`);
  if (mappedBytes > MAX_MAPPED_BYTES) return refused(by, "attribute_mapping", `the mapped attributes total ${mappedBytes} bytes; Google accepts at most ${MAX_MAPPED_BYTES} (8 KB)`);

  if (p.attributeCondition !== undefined) {
    const condition = p.attributeCondition;
    if (condition.includes("${")) return unknown(by, "attribute_condition", "the condition holds a reference Terraform fills in");
    const out = evaluateCel(condition, { assertion: claims, google: { subject, groups }, attribute: attributeValues });
    if (out.kind === "syntax") return refused(by, "attribute_condition", `\`${condition}\` does not parse (${out.message}); Google rejects the provider`);
    if (out.kind === "unsupported") return unknown(by, "attribute_condition", `\`${condition}\` uses what this engine lacks (${out.message})`);
    if (out.kind === "error") return refused(by, "attribute_condition", `\`${condition}\` fails on this token (${out.message}), which Google treats as not true`);
    if (out.value !== true) return refused(by, "attribute_condition", `\`${condition}\` is ${JSON.stringify(out.value)} for this token`);
  }
  const identity = { pool: p.pool, subject, groups, attributes, via: by };
  return pending ? { ...pending, identity } : { verdict: "admitted", by, reason: "", identity, issuerMatches: true };
}

/**
 * GKE Workload Identity: a Kubernetes service account token from a cluster's issuer is the
 * identity `ns/NS/sa/KSA` of the pool `PROJECT.svc.id.goog`, with the namespace, cluster and
 * service account uid as attributes (principal identifiers page). Assumes the cluster runs
 * Workload Identity with its own project's pool, the default.
 */
export function admitGkeToken(claims: TokenClaims): Admission | undefined {
  const iss = typeof claims.iss === "string" ? GKE_ISSUER.exec(claims.iss) : null;
  if (!iss) return undefined;
  const by = `GKE cluster ${iss[3]} (${iss[1]}, ${iss[2]})`;
  const sub = typeof claims.sub === "string" ? KSA_SUBJECT.exec(claims.sub) : null;
  if (!sub) return refused(by, "google.subject", `sub ${JSON.stringify(claims.sub)} is not system:serviceaccount:NAMESPACE:NAME`);
  const project = iss[1];
  const k8s = (claims["kubernetes.io"] ?? {}) as { serviceaccount?: { uid?: unknown } };
  const attributes = new Map<string, string[]>([
    ["namespace", [sub[1]]],
    ["kubernetes.cluster", [claims.iss as string]],
  ]);
  if (typeof k8s.serviceaccount?.uid === "string") attributes.set("kubernetes.serviceaccount.uid", [k8s.serviceaccount.uid]);
  return {
    verdict: "admitted",
    by,
    reason: "",
    identity: { pool: { project, poolId: `${project}.svc.id.goog` }, subject: `ns/${sub[1]}/sa/${sub[2]}`, groups: [], attributes, via: by },
    issuerMatches: true,
  };
}
