import * as fs from "fs";
import * as path from "path";
import { StackModel } from "./terraform-json";

/**
 * Loads every stack of a cdktf output directory (cdktf.out/manifest.json lists them with
 * `synthesizedStackPath` relative to the directory), or one cdk.tf.json file given
 * directly. Stacks come back sorted by name. A truncated or hand-broken output is an error
 * naming the file, never an empty result that passes a gate.
 */
export function loadSynthOutput(target: string): StackModel[] {
  const stat = statOf(target);
  if (stat.isFile()) return [loadStackFile(target, path.basename(path.dirname(path.resolve(target))), path.basename(target))];
  if (!stat.isDirectory()) throw new Error(`${target}: neither a cdktf output directory nor a cdk.tf.json file`);
  const manifestPath = path.join(target, "manifest.json");
  if (!fs.existsSync(manifestPath)) throw new Error(`${target}: no manifest.json; run "cdktf synth" first or pass a cdk.tf.json file`);
  const manifest = readJson(manifestPath);
  const stacks = (manifest as { stacks?: unknown })?.stacks;
  if (!isObject(manifest) || !isObject(stacks)) throw new Error(`${manifestPath}: expected { "stacks": { "<name>": { "synthesizedStackPath": ... } } } as cdktf writes it`);
  if (Object.keys(stacks).length === 0) throw new Error(`${manifestPath}: lists no stacks; a synth writes at least one`);
  // Compared after following links, so a linked folder or file cannot lead outside either.
  const root = fs.realpathSync(target);
  return Object.keys(stacks)
    .sort()
    .map((name) => {
      const entry = stacks[name];
      const given = isObject(entry) ? entry.synthesizedStackPath : undefined;
      if (given !== undefined && typeof given !== "string") throw new Error(`${manifestPath}: stacks.${name}.synthesizedStackPath must be a path, not ${JSON.stringify(given)}`);
      const relative = given ?? `stacks/${name}/cdk.tf.json`;
      const file = path.resolve(root, relative);
      // A manifest names files inside its own output directory; anything else is not read.
      const inside = (p: string) => {
        const rel = path.relative(root, p);
        return rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
      };
      if (!inside(file) || (fs.existsSync(file) && !inside(fs.realpathSync(file)))) {
        throw new Error(`${manifestPath}: stacks.${name}.synthesizedStackPath ${JSON.stringify(relative)} leads outside ${target}`);
      }
      return loadStackFile(file, name, path.relative(root, file).split(path.sep).join("/"));
    });
}

function statOf(target: string): fs.Stats {
  try {
    return fs.statSync(target);
  } catch (e) {
    throw new Error(`${target}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Largest file read: a synthesized stack of 25,000 resources is about 15 MB. */
const MAX_FILE_BYTES = 256 * 2 ** 20;

function readJson(file: string): unknown {
  const stat = statOf(file);
  if (!stat.isFile()) throw new Error(`${file}: not a regular file`);
  if (stat.size > MAX_FILE_BYTES) throw new Error(`${file}: ${stat.size} bytes, more than a synthesized stack can be (${MAX_FILE_BYTES})`);
  const text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function loadStackFile(file: string, fallbackName: string, relative: string): StackModel {
  const json = readJson(file);
  if (!isObject(json)) throw new Error(`${file}: expected a Terraform JSON object, got ${Array.isArray(json) ? "an array" : JSON.stringify(json)}`);
  for (const section of ["resource", "data", "provider", "output"]) {
    if (json[section] !== undefined && !isObject(json[section])) throw new Error(`${file}: "${section}" must be an object of blocks, got ${JSON.stringify(json[section]).slice(0, 80)}`);
  }
  // Every resource and data block must be an object: a rule that skipped one would pass what it never read.
  for (const section of ["resource", "data"]) {
    for (const [type, byName] of Object.entries((json[section] ?? {}) as Record<string, unknown>)) {
      if (!isObject(byName)) throw new Error(`${file}: ${section}.${type} must be an object of named blocks`);
      for (const [name, block] of Object.entries(byName)) {
        if (!isObject(block)) throw new Error(`${file}: ${section}.${type}.${name} must be an object, got ${JSON.stringify(block)?.slice(0, 80)}`);
      }
    }
  }
  return new StackModel(stackNameOf(json, fallbackName), json, relative);
}

/** The stack name cdktf records in a cdk.tf.json's metadata (Testing.synth strips it). */
export function stackNameOf(json: unknown, fallbackName: string): string {
  const name = (json as { "//"?: { metadata?: { stackName?: unknown } } } | undefined)?.["//"]?.metadata?.stackName;
  return typeof name === "string" ? name : fallbackName;
}
