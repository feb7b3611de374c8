/**
 * IAM member strings, parsed. One parser for every reader of the model, so a member means
 * the same to the simulator, the report, the guardrails and the matchers.
 */

/** A workload identity pool, as a member or an identity names it. */
export interface PoolRef {
  /** Project id, project number, or an unresolved `${...}` reference. */
  readonly project: string;
  readonly poolId: string;
}

export type ParsedMember =
  | { readonly kind: "google"; readonly type: "user" | "group" | "serviceAccount" | "domain"; readonly value: string; readonly raw: string }
  | { readonly kind: "public"; readonly raw: string }
  | {
      readonly kind: "federated";
      readonly raw: string;
      readonly pool: PoolRef;
      /** `subject`, `group`, `*`, or an attribute key such as `attribute.pipeline` or GKE's `namespace`. */
      readonly key: string;
      readonly value: string;
      readonly principalSet: boolean;
    }
  | { readonly kind: "other"; readonly raw: string };

const FEDERATED = /^(principal|principalSet):\/\/iam\.googleapis\.com\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.+)$/;
const GKE_LEGACY = /^serviceAccount:([^\s@[\]]+)\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/;
const GOOGLE = /^(user|group|serviceAccount|domain):(.+)$/;

export function parseMember(raw: string): ParsedMember {
  const withoutDeleted = raw.startsWith("deleted:") ? "" : raw;
  if (withoutDeleted === "allUsers" || withoutDeleted === "allAuthenticatedUsers" || withoutDeleted === "principalSet://goog/public:all") {
    return { kind: "public", raw };
  }
  const gke = GKE_LEGACY.exec(withoutDeleted);
  if (gke) {
    // The legacy GKE form names the same identity as principal://…/PROJECT.svc.id.goog/subject/ns/NS/sa/KSA.
    return { kind: "federated", raw, pool: { project: gke[1], poolId: `${gke[1]}.svc.id.goog` }, key: "subject", value: `ns/${gke[2]}/sa/${gke[3]}`, principalSet: false };
  }
  const fed = FEDERATED.exec(withoutDeleted);
  if (fed) {
    const pool = { project: fed[2], poolId: fed[3] };
    const rest = fed[4];
    const principalSet = fed[1] === "principalSet";
    if (rest === "*") return { kind: "federated", raw, pool, key: "*", value: "*", principalSet };
    const slash = rest.indexOf("/");
    if (slash > 0) return { kind: "federated", raw, pool, key: rest.slice(0, slash), value: rest.slice(slash + 1), principalSet };
    return { kind: "other", raw };
  }
  const google = GOOGLE.exec(withoutDeleted);
  if (google) return { kind: "google", type: google[1] as "user", value: google[2].toLowerCase(), raw };
  return { kind: "other", raw };
}

/** `serviceAccount:EMAIL` → EMAIL (lower case), else undefined. */
export function serviceAccountEmailOf(member: string): string | undefined {
  const m = parseMember(member);
  return m.kind === "google" && m.type === "serviceAccount" ? m.value : undefined;
}

/** The project id in a service account email `NAME@PROJECT.iam.gserviceaccount.com`. */
export function projectOfServiceAccount(email: string): string | undefined {
  return /@([^.@]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
}

/** `projects/P/serviceAccounts/EMAIL` (or EMAIL) → EMAIL, lower case. */
export function serviceAccountEmailFromId(value: string): string {
  const m = /^projects\/[^/]+\/serviceAccounts\/(.+)$/.exec(value);
  return (m ? m[1] : value).toLowerCase();
}

/** A readable name for a federated member: `attribute.pipeline = acme/deploy`, `subject S`, `group G`. */
export function describeFederatedMatch(key: string, value: string): string {
  if (key === "*") return "any identity in the pool";
  if (key === "subject") return `subject ${value}`;
  if (key === "group") return `group ${value}`;
  return `${key} = ${value}`;
}
