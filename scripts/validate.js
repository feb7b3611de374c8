#!/usr/bin/env node
// `npm run validate`: synthesizes the examples, then runs `terraform init -backend=false`
// and `terraform validate` in every stack against the pinned providers.
//
// Exit codes: 0 every stack valid; 1 a stack is invalid; 3 could not validate (no
// terraform, or the providers could not be installed, e.g. no network and no mirror).
// Exit 3 is never success: it says exactly what was missing.
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outdir = path.join(root, "cdktf.out");
const CANNOT_VALIDATE = 3;

const MIRROR_HINT =
  "offline, point TF_CLI_CONFIG_FILE at a CLI config with a provider_installation filesystem_mirror filled by " +
  "`terraform providers mirror` (TF_PLUGIN_CACHE_DIR alone still asks the registry); see README, 'Validating with real Terraform'.";

function cannotValidate(reason, hint) {
  console.error(`validate: NOT VALIDATED: ${reason}`);
  console.error(`validate: ${hint}`);
  process.exit(CANNOT_VALIDATE);
}

/** `google 6.50.0, azuread 3.7.0, ...`: what the synthesized stacks pin, so the message names every provider init needs. */
function requiredProviders(stacks) {
  const pinned = new Set();
  for (const [, stack] of stacks) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8"));
    for (const [name, req] of Object.entries(json.terraform?.required_providers ?? {})) pinned.add(`${name} ${req.version ?? "(any version)"}`);
  }
  return [...pinned].sort().join(", ");
}

/** `terraform validate -json` prints JSON even for invalid configurations; anything else (a crash) is reported as invalid. */
function validationReport(result) {
  try {
    return JSON.parse(result.stdout);
  } catch {
    return { valid: false, diagnostics: [{ severity: "error", summary: `terraform validate exited ${result.status}`, detail: `${result.stderr}`.trim() }] };
  }
}

const synth = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "examples", "main.ts")], { cwd: root, stdio: "inherit" });
if (synth.status !== 0) process.exit(synth.status ?? 1);

const version = spawnSync("terraform", ["version"], { encoding: "utf8" });
if (version.error || version.status !== 0) cannotValidate("terraform is not on PATH", "install Terraform 1.x and run again.");

const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
const stacks = Object.entries(manifest.stacks).sort(([a], [b]) => a.localeCompare(b));
const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
let invalid = 0;

for (const [name, stack] of stacks) {
  const dir = path.join(outdir, stack.workingDirectory);
  const init = spawnSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8", timeout: 300000 });
  if (init.status !== 0) {
    const detail = `${init.stdout}\n${init.stderr}`.split("\n").filter((l) => /Error|provider|registry|connect/i.test(l)).slice(0, 6).join("\n  ");
    cannotValidate(`terraform init failed in stack ${name}; the pinned providers (${requiredProviders(stacks)}) could not be installed:\n  ${detail}`, MIRROR_HINT);
  }
  const result = spawnSync("terraform", ["validate", "-json", "-no-color"], { cwd: dir, env, encoding: "utf8" });
  const report = validationReport(result);
  if (report.valid) {
    console.log(`validate: ${name}: valid`);
  } else {
    invalid++;
    console.error(`validate: ${name}: INVALID`);
    for (const d of report.diagnostics ?? []) console.error(`  ${d.severity}: ${d.summary} ${d.detail ?? ""} ${d.range ? `(${d.range.filename}:${d.range.start.line})` : ""}`);
  }
}
console.log(`validate: ${stacks.length - invalid} valid, ${invalid} invalid`);
process.exit(invalid > 0 ? 1 : 0);
