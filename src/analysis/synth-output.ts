import * as fs from "fs";
import * as path from "path";
import { StackModel } from "./terraform-json";

/**
 * Loads every stack of a cdktf output directory (cdktf.out/manifest.json lists them with
 * `synthesizedStackPath` relative to the directory), or one cdk.tf.json file given
 * directly. Stacks come back sorted by name.
 */
export function loadSynthOutput(target: string): StackModel[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [loadStackFile(target, path.basename(path.dirname(path.resolve(target))), path.basename(target))];
  const manifestPath = path.join(target, "manifest.json");
  if (!fs.existsSync(manifestPath)) throw new Error(`${target}: no manifest.json; run "cdktf synth" first or pass a cdk.tf.json file`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const stacks = manifest?.stacks ?? {};
  return Object.keys(stacks)
    .sort()
    .map((name) => {
      const relative = String(stacks[name].synthesizedStackPath ?? `stacks/${name}/cdk.tf.json`);
      return loadStackFile(path.join(target, relative), name, relative.split(path.sep).join("/"));
    });
}

function loadStackFile(file: string, fallbackName: string, relative: string): StackModel {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  return new StackModel(stackNameOf(json, fallbackName), json, relative);
}

/** The stack name cdktf records in a cdk.tf.json's metadata (Testing.synth strips it). */
export function stackNameOf(json: unknown, fallbackName: string): string {
  const name = (json as { "//"?: { metadata?: { stackName?: unknown } } } | undefined)?.["//"]?.metadata?.stackName;
  return typeof name === "string" ? name : fallbackName;
}
