import * as fs from "fs";
import * as path from "path";
import { SimulatorOptions, withStateSources } from "../analysis/deployed-values";

/**
 * `--state STACK=FILE` (repeatable) and `--project-number PROJECT=NUMBER` (repeatable): what
 * is deployed, for every command that reads a synthesized app (explain, report, check, and
 * the ones that read logs or live policies). Spread into a command's parseArgs options.
 */
export const DEPLOYED_OPTIONS = {
  state: { type: "string", multiple: true },
  "project-number": { type: "string", multiple: true },
} as const;

/** The usage text of the two options, for a command's usage line. */
export const DEPLOYED_USAGE = "[--state STACK=FILE...] [--project-number PROJECT=NUMBER...]";

/** The help text of the two options, for a command's help. */
export const DEPLOYED_HELP = `--state STACK=FILE names a stack's Terraform state (terraform state pull), or
         terraform show -json of its state or saved plan; --project-number PROJECT=NUMBER
         gives a project's number. References resolve to what is deployed.`;

/** `--policy RESOURCE=FILE` (repeatable) and `--assets FILE`: live IAM policies, for drift and the report's Deployed section. */
export const POLICY_OPTIONS = {
  policy: { type: "string", multiple: true },
  assets: { type: "string" },
} as const;

export const POLICY_USAGE = "[--policy RESOURCE=FILE...] [--assets FILE]";

/** Reads the live policies the options name; `sourceOf` names the file a resource's policy came from, for messages. */
export function readPolicyOptions(
  values: { readonly policy?: readonly string[]; readonly assets?: string },
  cwd: string,
): { policies: { [resource: string]: string }; assets?: string; sourceOf: (resource: string) => string } {
  const policies: { [resource: string]: string } = {};
  const files: { [resource: string]: string } = {};
  for (const [resource, file] of pairs("policy", values.policy, "RESOURCE=FILE, e.g. projects/acme-prod=policy.json")) {
    if (policies[resource] !== undefined) throw new Error(`--policy ${resource}=${file}: ${resource} already has a policy (${files[resource]})`);
    policies[resource] = readText(path.resolve(cwd, file), `--policy ${resource}=${file}`, MAX_POLICY_BYTES);
    files[resource] = file;
  }
  const assets = values.assets === undefined ? undefined : readText(path.resolve(cwd, values.assets), `--assets ${values.assets}`, MAX_POLICY_BYTES);
  return { policies, assets, sourceOf: (resource) => (resource === "assets" ? values.assets ?? "assets" : files[resource] ?? resource) };
}

/** Largest policy or asset export read: an organization's export runs to hundreds of megabytes. */
const MAX_POLICY_BYTES = 1024 * 2 ** 20;

/** Largest state read: a state is bigger than its configuration, a few times at most. */
const MAX_STATE_BYTES = 512 * 2 ** 20;

function pairs(option: string, given: readonly string[] | undefined, what: string): Array<[string, string]> {
  return (given ?? []).map((pair) => {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new Error(`--${option} ${pair}: expected ${what}`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

/**
 * Reads the files the options name into SimulatorOptions (errors name the option and the
 * file); the simulator, report, guardrails and drift report check them against the stacks
 * and name the file when one does not fit.
 */
/** The parsed values of DEPLOYED_OPTIONS. */
export interface DeployedValues {
  readonly state?: readonly string[];
  readonly "project-number"?: readonly string[];
}

export function readDeployedOptions(values: DeployedValues, cwd: string): SimulatorOptions {
  const states: { [stack: string]: string } = {};
  const sources: { [stack: string]: string } = {};
  for (const [stack, file] of pairs("state", values.state, "STACK=FILE, e.g. platform-prod=platform-prod.tfstate")) {
    if (states[stack] !== undefined) throw new Error(`--state ${stack}=${file}: stack ${stack} already has a state (${sources[stack]})`);
    states[stack] = readText(path.resolve(cwd, file), `--state ${stack}=${file}`, MAX_STATE_BYTES);
    sources[stack] = file;
  }
  const projectNumbers: { [projectId: string]: string } = {};
  for (const [project, number] of pairs("project-number", values["project-number"], "PROJECT=NUMBER, e.g. acme-prod=123456789012")) {
    if (!/^[0-9]+$/.test(number)) throw new Error(`--project-number ${project}=${number}: a project number is digits (gcloud projects describe ${project} --format='value(projectNumber)')`);
    if (projectNumbers[project] !== undefined && projectNumbers[project] !== number) throw new Error(`--project-number ${project}=${number}: ${project} is already given number ${projectNumbers[project]}`);
    projectNumbers[project] = number;
  }
  return withStateSources({ states, projectNumbers }, sources);
}

function readText(file: string, label: string, max: number): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new Error(`${label}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!stat.isFile()) throw new Error(`${label}: not a regular file`);
  if (stat.size > max) throw new Error(`${label}: ${stat.size} bytes, more than this reader takes (${max})`);
  return fs.readFileSync(file, "utf8");
}
