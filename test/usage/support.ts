import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { buildExamplesApp } from "../../examples/main";
import { loadExamplesConfig } from "../../examples/config";

const made: string[] = [];

/** Deletes the folders prodStackJson and writeSynthOutput made (call in afterAll). */
export function removeTemporaryDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The prod example stacks (platform, airflow, buildkite, fastapi) synthesized as cdktf does
 * (app.synth(): manifest.json and cdk.tf.json with construct paths), by stack name.
 */
export function prodStackJson(): Map<string, string> {
  const config = loadExamplesConfig({});
  const app = buildExamplesApp(Testing.app(), { ...config, environments: config.environments.filter((e) => e.name === "prod") });
  app.synth();
  made.push(app.outdir);
  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
  const out = new Map<string, string>();
  for (const name of Object.keys(manifest.stacks).sort()) out.set(name, fs.readFileSync(path.join(app.outdir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  return out;
}

/** A new temporary folder, deleted by removeTemporaryDirs. */
export function temporaryDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Writes stacks as a cdktf output directory (manifest.json + stacks/NAME/cdk.tf.json) under a new temporary folder. */
export function writeSynthOutput(stacks: Map<string, string>, prefix = "usage-"): string {
  const dir = temporaryDir(prefix);
  const manifest: { stacks: { [name: string]: { synthesizedStackPath: string } } } = { stacks: {} };
  for (const [name, json] of stacks) {
    fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), json);
    manifest.stacks[name] = { synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}
