/**
 * A read-only index over one synthesized `cdk.tf.json`: resources grouped by type (built
 * once, so every rule is linear in the number of resources), construct paths from the
 * `//` metadata, and resolution of `${type.name.attr}` references inside the stack.
 * Guardrails and the access report both read Terraform JSON through this model, so they
 * see exactly what Terraform receives, escape-hatch overrides included.
 */

/** Raw Terraform JSON value. */
export type Json = any;

/**
 * What is deployed, as a stack sees it: the values its state or plan holds (any object with
 * valueOf: src/deployed's readers are one), and the facts every stack of the load shares.
 */
export interface StackDeployment {
  readonly values?: { valueOf(address: string, attribute: string): unknown };
  readonly facts: {
    numberOf(projectId: string): string | undefined;
    projectId(project: string): string;
    serviceAccountEmail(idOrEmail: string): string;
  };
}

export interface TfResource {
  /** "resource" or "data". */
  readonly mode: "resource" | "data";
  readonly type: string;
  /** Logical name in the JSON (cdktf's friendlyUniqueId). */
  readonly name: string;
  /** Terraform address, e.g. `google_service_account.sa_1234` or `data.google_iam_policy.p`. */
  readonly address: string;
  /** Construct path from `//.metadata.path`, or the address for hand-written JSON. */
  readonly path: string;
  /** Configuration without the `//` metadata key. */
  readonly config: Json;
  /** The raw `//` block (suppressions written by hand may live here). */
  readonly meta: Json;
}

const REFERENCE = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}/g;
const JSONENCODE_LITERAL = /\$\{jsonencode\("([^"\\$%]*)"\)\}/g;
const DATA_REFERENCE = /\$\{data\.([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}/g;

/** First element of a nested block: cdktf writes single blocks as objects, hand-written JSON often as one-element arrays. */
export function block(value: Json): Json | undefined {
  if (Array.isArray(value)) return value[0];
  return value && typeof value === "object" ? value : undefined;
}

/** Every element of a repeatable block, whichever JSON shape it was written in. */
export function blocks(value: Json): Json[] {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === "object");
  return value && typeof value === "object" ? [value] : [];
}

/** True for strings Terraform computes (interpolations, function calls). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Pure literal string: neither empty nor an interpolation. */
export function isLiteral(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && !value.includes("${");
}

export class StackModel {
  /** Resources and data sources in address order, so every output is deterministic. */
  public readonly resources: readonly TfResource[];
  private readonly byTypeIndex = new Map<string, TfResource[]>();
  private readonly byAddressIndex = new Map<string, TfResource>();
  private readonly resolved = new Map<string, string>();

  /**
   * @param name stack name (cdktf.out/manifest.json key, or the stack's construct id)
   * @param json the parsed cdk.tf.json
   * @param file where the JSON came from, relative to cdktf.out (for SARIF locations)
   * @param deployed what its state or plan says, when given: references resolve to it
   */
  constructor(
    public readonly name: string,
    public readonly json: Json,
    public readonly file: string = `stacks/${name}/cdk.tf.json`,
    public readonly deployed?: StackDeployment,
  ) {
    const all: TfResource[] = [];
    collect(all, "resource", json?.resource);
    collect(all, "data", json?.data);
    all.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    this.resources = all;
    for (const r of all) {
      const key = r.mode === "data" ? `data.${r.type}` : r.type;
      let list = this.byTypeIndex.get(key);
      if (!list) this.byTypeIndex.set(key, (list = []));
      list.push(r);
      this.byAddressIndex.set(r.address, r);
    }
  }

  /** Resources of one type (`data.TYPE` for data sources), in address order. */
  public ofType(type: string): readonly TfResource[] {
    return this.byTypeIndex.get(type) ?? [];
  }

  /** Resource types present whose name matches, e.g. every `google_*_iam_member`. */
  public typesMatching(pattern: RegExp): string[] {
    return [...this.byTypeIndex.keys()].filter((t) => pattern.test(t)).sort();
  }

  public byAddress(address: string): TfResource | undefined {
    return this.byAddressIndex.get(address);
  }

  /** The resource a string refers to when it is exactly `${type.name.attr}`. */
  public referenced(value: unknown): { resource: TfResource; attribute: string } | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/.exec(value);
    if (!m) return undefined;
    const resource = this.byAddress(`${m[1] ?? ""}${m[2]}.${m[3]}`);
    return resource ? { resource, attribute: m[4] } : undefined;
  }

  /** The Google project of the stack's default google provider, if set literally. */
  public get defaultProject(): string | undefined {
    const provider = block(this.json?.provider?.google);
    return isLiteral(provider?.project) ? provider.project : undefined;
  }

  /**
   * Replaces `${type.name.attr}` references to resources of this stack by the value
   * Terraform will compute where it can be known from configuration (a service account's
   * email, a pool's name...), so reports and rule messages read like the real thing.
   * Unknown references stay as they are.
   */
  public resolve(value: string): string {
    if (!value.includes("${")) return value;
    const cached = this.resolved.get(value);
    if (cached !== undefined) return cached;
    // Placeholder first: a reference cycle in hand-written JSON ends here instead of recursing.
    this.resolved.set(value, value);
    const out = value
      .replace(DATA_REFERENCE, (whole, type, name, attr) => this.attributeOf(`data.${type}.${name}`, type, attr) ?? whole)
      .replace(REFERENCE, (whole, type, name, attr) => this.attributeOf(`${type}.${name}`, type, attr) ?? whole)
      // jsonencode of a string with nothing left to fill in is that string quoted (how conditions quote a resolved name).
      .replace(JSONENCODE_LITERAL, (_whole, text: string) => JSON.stringify(text));
    this.resolved.set(value, out);
    return out;
  }

  private attributeOf(address: string, type: string, attr: string): string | undefined {
    const resource = this.byAddress(address);
    if (!resource) return undefined;
    // What apply made wins over what the configuration lets us guess.
    const live = this.deployed?.values?.valueOf(address, attr);
    if (typeof live === "string" && live !== "") return live;
    if (typeof live === "number" || typeof live === "boolean") return String(live);
    const own = resource.config[attr];
    if (typeof own === "string" && own !== "") return this.resolve(own);
    const derive = DERIVED_ATTRIBUTES[type]?.[attr];
    const derived = derive?.(resource.config, this);
    return derived === undefined ? undefined : this.resolve(derived);
  }

  /** The project a resource lives in: its `project` argument, else the provider default. */
  public projectOf(resource: TfResource): string | undefined {
    const project = resource.config.project;
    if (typeof project === "string" && project !== "") return this.resolve(project);
    return this.defaultProject;
  }
}

type Deriver = (config: Json, stack: StackModel) => string | undefined;

function projectOr(config: Json, stack: StackModel): string {
  return typeof config.project === "string" ? config.project : stack.defaultProject ?? "PROJECT";
}

/**
 * Attributes Terraform computes but whose value follows from configuration. The project
 * number in pool names is unknown before apply; the project id stands in for it, which
 * is what a reader looks for.
 */
const DERIVED_ATTRIBUTES: { [type: string]: { [attr: string]: Deriver } } = {
  google_service_account: {
    email: (c, s) => (typeof c.account_id === "string" ? `${c.account_id}@${projectOr(c, s)}.iam.gserviceaccount.com` : undefined),
    member: (c, s) => (typeof c.account_id === "string" ? `serviceAccount:${c.account_id}@${projectOr(c, s)}.iam.gserviceaccount.com` : undefined),
    name: (c, s) =>
      typeof c.account_id === "string" ? `projects/${projectOr(c, s)}/serviceAccounts/${c.account_id}@${projectOr(c, s)}.iam.gserviceaccount.com` : undefined,
    id: (c, s) =>
      typeof c.account_id === "string" ? `projects/${projectOr(c, s)}/serviceAccounts/${c.account_id}@${projectOr(c, s)}.iam.gserviceaccount.com` : undefined,
  },
  google_iam_workload_identity_pool: {
    name: (c, s) =>
      typeof c.workload_identity_pool_id === "string"
        ? `projects/${projectOr(c, s)}/locations/global/workloadIdentityPools/${c.workload_identity_pool_id}`
        : undefined,
    workload_identity_pool_id: (c) => c.workload_identity_pool_id,
  },
  google_iam_workload_identity_pool_provider: {
    name: (c, s) =>
      typeof c.workload_identity_pool_id === "string" && typeof c.workload_identity_pool_provider_id === "string"
        ? `projects/${projectOr(c, s)}/locations/global/workloadIdentityPools/${c.workload_identity_pool_id}/providers/${c.workload_identity_pool_provider_id}`
        : undefined,
  },
  google_project_iam_custom_role: {
    name: (c, s) => (typeof c.role_id === "string" ? `projects/${projectOr(c, s)}/roles/${c.role_id}` : undefined),
    id: (c, s) => (typeof c.role_id === "string" ? `projects/${projectOr(c, s)}/roles/${c.role_id}` : undefined),
  },
  google_organization_iam_custom_role: {
    name: (c) => (typeof c.org_id === "string" && typeof c.role_id === "string" ? `organizations/${c.org_id}/roles/${c.role_id}` : undefined),
    id: (c) => (typeof c.org_id === "string" && typeof c.role_id === "string" ? `organizations/${c.org_id}/roles/${c.role_id}` : undefined),
  },
  google_firestore_database: {
    id: (c, s) => (typeof c.name === "string" ? `projects/${projectOr(c, s)}/databases/${c.name}` : undefined),
  },
  google_project: {
    project_id: (c) => c.project_id,
    // As in pool names: the id stands in for the number apply will know, unless the number was given.
    number: (c, s) => (typeof c.project_id === "string" ? s.deployed?.facts.numberOf(c.project_id) ?? c.project_id : undefined),
    id: (c) => (typeof c.project_id === "string" ? `projects/${c.project_id}` : undefined),
  },
  google_storage_bucket: { id: (c) => c.name, url: (c) => (typeof c.name === "string" ? `gs://${c.name}` : undefined) },
  google_bigquery_dataset: { dataset_id: (c) => c.dataset_id },
  google_pubsub_topic: {
    id: (c, s) => (typeof c.name === "string" ? `projects/${projectOr(c, s)}/topics/${c.name}` : undefined),
  },
  google_logging_project_bucket_config: {
    id: (c, s) =>
      typeof c.bucket_id === "string" && typeof c.location === "string"
        ? `projects/${projectOr(c, s)}/locations/${c.location}/buckets/${c.bucket_id}`
        : undefined,
  },
};

function collect(into: TfResource[], mode: "resource" | "data", section: Json): void {
  if (!section || typeof section !== "object") return;
  for (const type of Object.keys(section)) {
    const byName = section[type];
    if (!byName || typeof byName !== "object") continue;
    for (const name of Object.keys(byName)) {
      const raw = byName[name];
      if (!raw || typeof raw !== "object") continue;
      const { ["//"]: meta, ...config } = raw;
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      const path = typeof meta?.metadata?.path === "string" ? meta.metadata.path : address;
      into.push({ mode, type, name, address, path, config, meta: meta ?? {} });
    }
  }
}
