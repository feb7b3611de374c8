import { TerraformStateValues, readTerraformState } from "../deployed/terraform-state";
import { StackModel } from "./terraform-json";

/**
 * What is deployed, given to the simulator, the access report, the guardrails and the drift
 * report: states (or saved plans) per stack, and project numbers for a team that has them
 * without a state at hand.
 */
export interface SimulatorOptions {
  /**
   * Stack name -> the JSON text of its state or plan: a raw state (`terraform state pull`, the
   * local backend's `.tfstate`), `terraform show -json` of a state, or of a saved plan.
   * Every reference the state resolves is used as the value. Stacks are named as in
   * manifest.json (fromStackJson: the `stackName` in the JSON's metadata, which
   * `Testing.synth` leaves out, so its stacks are stack0, stack1...).
   */
  readonly states?: { [stack: string]: string };
  /** Project id -> project number (`gcloud projects describe PROJECT --format='value(projectNumber)'`). */
  readonly projectNumbers?: { [projectId: string]: string };
}

/**
 * The values a stack's references resolve to after apply: the one interface through which
 * the analysis reads what is deployed (src/deployed implements it).
 */
export interface DeployedValues {
  /** The attribute's value at a resource address; undefined when not known (not deployed, or left to apply). */
  valueOf(address: string, attribute: string): unknown;
}

/**
 * Facts that span stacks: project numbers (from the options, `google_project` resources and
 * data sources, and pool and provider names, which Google writes with the number) and
 * service accounts' unique ids. One table per load, shared by its stacks.
 */
export class DeployedFacts {
  private readonly numberById = new Map<string, { number: string; source: string }>();
  private readonly idByNumber = new Map<string, string>();
  private readonly emailByUniqueId = new Map<string, string>();

  public addProject(projectId: string, projectNumber: string, source: string): void {
    if (!/^[0-9]+$/.test(projectNumber)) throw new Error(`${source}: project number of ${projectId} must be digits, not ${JSON.stringify(projectNumber)}`);
    const known = this.numberById.get(projectId);
    if (known && known.number !== projectNumber) {
      throw new Error(`${source}: project ${projectId} has number ${projectNumber}, but ${known.source} says ${known.number}`);
    }
    const other = this.idByNumber.get(projectNumber);
    if (other !== undefined && other !== projectId) throw new Error(`${source}: project number ${projectNumber} is given to both ${other} and ${projectId}`);
    if (!known) this.numberById.set(projectId, { number: projectNumber, source });
    this.idByNumber.set(projectNumber, projectId);
  }

  public addServiceAccount(uniqueId: string, email: string): void {
    this.emailByUniqueId.set(uniqueId, email.toLowerCase());
  }

  public numberOf(projectId: string): string | undefined {
    return this.numberById.get(projectId)?.number;
  }

  /** A project named by number, as its id when known; anything else unchanged. */
  public projectId(project: string): string {
    return (/^[0-9]+$/.test(project) && this.idByNumber.get(project)) || project;
  }

  /** A service account named by its unique id (`projects/-/serviceAccounts/UNIQUE_ID`), as its email when known. */
  public serviceAccountEmail(idOrEmail: string): string {
    return (/^[0-9]+$/.test(idOrEmail) && this.emailByUniqueId.get(idOrEmail)) || idOrEmail;
  }

  public get empty(): boolean {
    return this.numberById.size === 0 && this.emailByUniqueId.size === 0;
  }
}

/** What to call each stack's state in messages (the CLI names files); set by the CLI's reader. */
const SOURCES = new WeakMap<SimulatorOptions, { readonly [stack: string]: string }>();

/** Remembers where each state came from, so an error names the file rather than the stack key. */
export function withStateSources(options: SimulatorOptions, sources: { readonly [stack: string]: string }): SimulatorOptions {
  SOURCES.set(options, sources);
  return options;
}

/** The same options with more fields (policies, logs...), still naming their states' files. */
export function extendOptions<T extends SimulatorOptions>(options: SimulatorOptions, more: Omit<T, keyof SimulatorOptions>): T {
  const out = { ...options, ...more } as T;
  const sources = SOURCES.get(options);
  if (sources) SOURCES.set(out, sources);
  return out;
}

function stringMap(value: unknown, what: string): Array<[string, string]> {
  if (value === undefined) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} must be an object of strings, got ${JSON.stringify(value)?.slice(0, 60)}`);
  return Object.entries(value).map(([k, v]) => {
    if (typeof v !== "string") throw new Error(`${what}[${JSON.stringify(k)}] must be a string, got ${typeof v}`);
    return [k, v];
  });
}

/** Attributes that carry a project number beside the project's id, by resource type. */
const NUMBER_SOURCES: ReadonlyArray<[RegExp, (v: { [k: string]: unknown }) => [string, string] | undefined]> = [
  [/^(data\.)?google_project\./, (v) => (typeof v.project_id === "string" && typeof v.number === "string" ? [v.project_id, v.number] : undefined)],
  [
    /^(data\.)?google_iam_workload_identity_pool(_provider)?\./,
    (v) => {
      const m = typeof v.name === "string" ? /^projects\/([0-9]+)\/locations\//.exec(v.name) : null;
      return m && typeof v.project === "string" ? [v.project, m[1]] : undefined;
    },
  ],
];

/**
 * The stacks with what is deployed applied: each stack whose state is given resolves its
 * references through it, and every stack shares the facts. Errors name the state (the file,
 * when the CLI read it) and what is wrong: a stack that does not exist, a text that is no
 * Terraform state or plan, a state whose resources the stack does not declare.
 */
export function applyDeployed(stacks: readonly StackModel[], options: SimulatorOptions | undefined): StackModel[] {
  if (options === undefined) return [...stacks];
  if (typeof options !== "object" || options === null) throw new Error(`options must be an object ({ states, projectNumbers }), got ${JSON.stringify(options)}`);
  const sources = SOURCES.get(options) ?? {};
  const labelOf = (stack: string) => sources[stack] ?? `states[${JSON.stringify(stack)}]`;
  const facts = new DeployedFacts();
  for (const [id, number] of stringMap(options.projectNumbers, "projectNumbers")) facts.addProject(id, number, `projectNumbers[${JSON.stringify(id)}]`);
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const states = new Map<string, TerraformStateValues>();
  for (const [stack, text] of stringMap(options.states, "states")) {
    const model = byName.get(stack);
    const label = labelOf(stack);
    if (!model) throw new Error(`${label}: no stack named ${stack}; the synthesized stacks are ${[...byName.keys()].join(", ")}`);
    const values = readTerraformState(text, label);
    checkAddresses(model, values, label);
    states.set(stack, values);
    for (const address of values.all) {
      for (const [pattern, read] of NUMBER_SOURCES) {
        const pair = pattern.test(address) ? read(attributesOf(values, address)) : undefined;
        if (pair) facts.addProject(pair[0], pair[1], `${label} (${address})`);
      }
      if (/^google_service_account\./.test(address)) {
        const uniqueId = values.valueOf(address, "unique_id");
        const email = values.valueOf(address, "email");
        if (typeof uniqueId === "string" && typeof email === "string") facts.addServiceAccount(uniqueId, email);
      }
    }
  }
  if (states.size === 0 && facts.empty) return [...stacks];
  return stacks.map((s) => new StackModel(s.name, s.json, s.file, { values: states.get(s.name), facts }));
}

function attributesOf(values: TerraformStateValues, address: string): { [k: string]: unknown } {
  const read = (k: string) => values.valueOf(address, k);
  return { project_id: read("project_id"), number: read("number"), name: read("name"), project: read("project") };
}

/** Every address the state holds must be one the stack declares: anything else is another stack's state, or an older one. */
function checkAddresses(model: StackModel, values: TerraformStateValues, label: string): void {
  // Resources of a module the stack calls (cdktf's TerraformHclModule) live under `module.NAME.`; the module block declares them.
  const modules = new Set(Object.keys((model.json?.module ?? {}) as object));
  const declared = (a: string) => model.byAddress(a.replace(/\[[^\]]*\]$/, "")) !== undefined || modules.has(/^module\.([^.[]+)/.exec(a)?.[1] ?? "");
  const foreign = values.addresses.filter((a) => !declared(a));
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : "");
  throw new Error(
    `${label}: ${values.shape} holds ${foreign.length} of ${values.addresses.length} resource(s) that stack ${model.name} does not declare (${shown}): ` +
      `the state of another stack, or of code older than this synth`,
  );
}
