import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { buildExamplesApp } from "../../examples/main";
import { loadExamplesConfig } from "../../examples/config";

/**
 * The prod example stacks (platform, airflow, buildkite, fastapi) synthesized as cdktf does
 * (app.synth(): manifest.json and cdk.tf.json with construct paths), by stack name.
 */
export function prodStackJson(): Map<string, string> {
  const config = loadExamplesConfig({});
  const app = buildExamplesApp(Testing.app(), { ...config, environments: config.environments.filter((e) => e.name === "prod") });
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
  const out = new Map<string, string>();
  for (const name of Object.keys(manifest.stacks).sort()) out.set(name, fs.readFileSync(path.join(app.outdir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  return out;
}

/** Writes stacks as a cdktf output directory (manifest.json + stacks/NAME/cdk.tf.json) under a new temporary folder. */
export function writeSynthOutput(stacks: Map<string, string>, prefix = "usage-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const manifest: { stacks: { [name: string]: { synthesizedStackPath: string } } } = { stacks: {} };
  for (const [name, json] of stacks) {
    fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), json);
    manifest.stacks[name] = { synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}
