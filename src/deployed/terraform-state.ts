/**
 * Reads what Terraform knows about a deployed stack: attribute values by resource address,
 * from any of the three JSON shapes Terraform writes. It knows the shapes, not IAM: what a
 * value means is the analysis' business.
 *
 * - raw state, version 4 (`terraform state pull`, the local backend's `terraform.<stack>.tfstate`):
 *   `{ version: 4, terraform_version, serial, lineage, outputs, resources: [{ mode, type, name,
 *   module?, instances: [{ index_key?, attributes }] }] }`;
 * - `terraform show -json` of a state: `{ format_version, terraform_version, values: { root_module:
 *   { resources: [{ address, mode, type, name, values }], child_modules: [...] } } }`;
 * - `terraform show -json` of a saved plan: `planned_values` (a value apply computes is left
 *   out), `prior_state` (what was there, data sources read during the plan included) and
 *   `resource_changes[].change.after_unknown` (which values apply will compute).
 *
 * https://developer.hashicorp.com/terraform/internals/json-format
 */

/** Which of Terraform's shapes a text was. */
export enum TerraformStateShape {
  RAW_STATE = "raw state (version 4)",
  SHOW_STATE = "terraform show -json of a state",
  SHOW_PLAN = "terraform show -json of a saved plan",
}

/** One resource instance's values. */
interface Instance {
  readonly values: { readonly [attribute: string]: unknown };
  /** Top-level attributes the plan says apply will compute (after_unknown). */
  readonly unknown: ReadonlySet<string>;
}

/** A state or plan, read: values by address (`type.name`, `data.type.name`, module prefix kept). */
export class TerraformStateValues {
  /**
   * @param shape which shape the text was
   * @param instances values by address
   * @param addresses the addresses the stack's configuration must declare (for a plan: what it plans, and the data it read)
   */
  public constructor(
    public readonly shape: TerraformStateShape,
    private readonly instances: ReadonlyMap<string, Instance>,
    public readonly addresses: readonly string[],
  ) {}

  public has(address: string): boolean {
    return this.instances.has(address);
  }

  /** The attribute's value; undefined when the state does not hold it (or the plan leaves it to apply). */
  public valueOf(address: string, attribute: string): unknown {
    const instance = this.instances.get(address);
    if (!instance || instance.unknown.has(attribute)) return undefined;
    return instance.values[attribute];
  }

  /** True when a plan says apply will compute the attribute. */
  public isUnknown(address: string, attribute: string): boolean {
    return this.instances.get(address)?.unknown.has(attribute) ?? false;
  }

  /** Every address with values, in order. */
  public get all(): readonly string[] {
    return [...this.instances.keys()].sort();
  }
}

type Json = any;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);
const NONE: ReadonlySet<string> = new Set();

/**
 * Reads a state or plan text. Throws an Error whose message starts with `label` and says
 * what is wrong when the text is none of the three shapes.
 */
export function readTerraformState(text: string, label: string): TerraformStateValues {
  let json: Json;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new Error(`${label}: not JSON (${(e as Error).message}); expected a Terraform state or plan`);
  }
  if (!isObject(json)) throw new Error(`${label}: expected a Terraform state or plan object, got ${Array.isArray(json) ? "an array" : JSON.stringify(json)?.slice(0, 40)}`);
  if (json.version !== undefined && Array.isArray(json.resources)) return readRawState(json, label);
  if (typeof json.format_version === "string") {
    const major = json.format_version.split(".")[0];
    // The format promises: reject a major version we do not know.
    if (major !== "1" && major !== "0") throw new Error(`${label}: format_version ${json.format_version} is a major version this reader does not know (1.x)`);
    if (isObject(json.planned_values) || Array.isArray(json.resource_changes)) return readPlan(json, label);
    if (isObject(json.values) || json.values === undefined) return readShowState(json, label);
  }
  throw new Error(
    `${label}: none of Terraform's shapes: expected a raw state (terraform state pull: "version": 4 and "resources"), ` +
      `or terraform show -json of a state ("format_version" and "values") or of a saved plan ("planned_values", "resource_changes")`,
  );
}

function readRawState(json: Json, label: string): TerraformStateValues {
  if (json.version !== 4) throw new Error(`${label}: raw state version ${JSON.stringify(json.version)}; this reader knows version 4 (Terraform 0.12 and later): run "terraform state pull" with a current Terraform`);
  const instances = new Map<string, Instance>();
  json.resources.forEach((r: Json, i: number) => {
    if (!isObject(r) || typeof r.type !== "string" || typeof r.name !== "string" || !Array.isArray(r.instances)) {
      throw new Error(`${label}: resources[${i}] is not a state resource ({ mode, type, name, instances })`);
    }
    const base = `${typeof r.module === "string" ? `${r.module}.` : ""}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`;
    r.instances.forEach((inst: Json, j: number) => {
      if (!isObject(inst) || !isObject(inst.attributes)) throw new Error(`${label}: resources[${i}].instances[${j}] has no attributes object`);
      // Deposed objects are on their way out; the current one is what references see.
      if (inst.deposed !== undefined) return;
      instances.set(base + indexOf(inst.index_key), { values: inst.attributes, unknown: NONE });
    });
  });
  return new TerraformStateValues(TerraformStateShape.RAW_STATE, instances, [...instances.keys()]);
}

function indexOf(key: unknown): string {
  if (key === undefined || key === null) return "";
  return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** Every resource of a `values` module tree (root_module and its child_modules). */
function moduleResources(module: Json, label: string, where: string): Array<{ address: string; values: Json; mode: string }> {
  if (module === undefined || module === null) return [];
  if (!isObject(module)) throw new Error(`${label}: ${where} is not a module object`);
  const out: Array<{ address: string; values: Json; mode: string }> = [];
  const resources = module.resources ?? [];
  if (!Array.isArray(resources)) throw new Error(`${label}: ${where}.resources is not an array`);
  resources.forEach((r: Json, i: number) => {
    if (!isObject(r) || typeof r.address !== "string") throw new Error(`${label}: ${where}.resources[${i}] has no address`);
    out.push({ address: r.address, values: isObject(r.values) ? r.values : {}, mode: r.mode });
  });
  const children = module.child_modules ?? [];
  if (!Array.isArray(children)) throw new Error(`${label}: ${where}.child_modules is not an array`);
  children.forEach((c: Json, i: number) => out.push(...moduleResources(c, label, `${where}.child_modules[${i}]`)));
  return out;
}

function readShowState(json: Json, label: string): TerraformStateValues {
  const instances = new Map<string, Instance>();
  for (const r of moduleResources(json.values?.root_module, label, "values.root_module")) instances.set(r.address, { values: r.values, unknown: NONE });
  return new TerraformStateValues(TerraformStateShape.SHOW_STATE, instances, [...instances.keys()]);
}

function readPlan(json: Json, label: string): TerraformStateValues {
  const unknownOf = new Map<string, Set<string>>();
  const changes = json.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new Error(`${label}: resource_changes is not an array`);
  changes.forEach((c: Json, i: number) => {
    if (!isObject(c) || typeof c.address !== "string") throw new Error(`${label}: resource_changes[${i}] has no address`);
    const afterUnknown = c.change?.after_unknown;
    if (c.deposed !== undefined || !isObject(afterUnknown)) return;
    // A nested block with some unknown part is unknown as a whole to a reference of the attribute.
    const unknown = Object.keys(afterUnknown).filter((k) => containsTrue(afterUnknown[k]));
    if (unknown.length > 0) unknownOf.set(c.address, new Set(unknown));
  });
  const instances = new Map<string, Instance>();
  const planned = moduleResources(json.planned_values?.root_module, label, "planned_values.root_module");
  for (const r of planned) instances.set(r.address, { values: r.values, unknown: unknownOf.get(r.address) ?? NONE });
  // Data sources read while planning are in the prior state only.
  const prior = moduleResources(json.prior_state?.values?.root_module, label, "prior_state.values.root_module");
  const readData = prior.filter((r) => r.mode === "data" && !instances.has(r.address));
  for (const r of readData) instances.set(r.address, { values: r.values, unknown: unknownOf.get(r.address) ?? NONE });
  return new TerraformStateValues(TerraformStateShape.SHOW_PLAN, instances, [...planned.map((r) => r.address), ...readData.map((r) => r.address)]);
}

function containsTrue(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(containsTrue);
  return isObject(value) && Object.values(value).some(containsTrue);
}
