#!/usr/bin/env node
// The consumer smoke test: does the package work for someone who installs it?
//
// Packs this package, builds the README's "A project from nothing" and "Quick start" project
// in a fresh temporary folder from the README's marked code blocks (scripts/readme-blocks.js),
// installs the tarball and the peers with the README's install commands (npm cache first,
// --prefer-offline; the optional peers left out, as a user without Entra ID would), then runs
// the README's commands there (synth, check, test), and checks what the README promises
// besides: the CLI's help and usage errors, SARIF output, a clear error for a missing optional
// peer, no source maps. The folder sits outside the repository and the commands run with an
// environment stripped of this repository's paths, so nothing resolves to its node_modules.
//
// node scripts/smoke-test.js [--keep]   (--keep leaves the folder for inspection)
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { readmeBlocks, commands } = require("./readme-blocks");

const root = path.resolve(__dirname, "..");
const keep = process.argv.includes("--keep");
const PACKAGE = require(path.join(root, "package.json")).name;
const started = Date.now();

function fail(message, output) {
  if (output) process.stderr.write(output.endsWith("\n") ? output : `${output}\n`);
  console.error(`smoke test FAILED: ${message}`);
  process.exit(1);
}

/** Runs a command, times it, and returns { status, stdout, stderr }. */
function run(label, cmd, args, options) {
  const t0 = Date.now();
  const result = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60 * 1000, ...options });
  const seconds = (Date.now() - t0) / 1000;
  console.log(`${seconds.toFixed(1).padStart(6)} s  ${label}${result.status === 0 ? "" : `  (exit ${result.status})`}`);
  if (result.error) fail(`${label}: ${result.error.message}`);
  return result;
}

function mustPass(label, cmd, args, options) {
  const result = run(label, cmd, args, options);
  if (result.status !== 0) fail(`${label} exited ${result.status}`, `${result.stdout}${result.stderr}`);
  return result;
}

/** The environment a user's shell would have: no npm run variables, no paths into this repository. */
function userEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("npm_") || key === "INIT_CWD" || key === "NODE_PATH" || key === "NODE_OPTIONS") continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !path.resolve(dir).startsWith(root + path.sep) && !dir.includes(`${path.sep}node_modules${path.sep}`))
    .join(path.delimiter);
  return env;
}

/** lib/ is current when jsii's assembly is newer than every source file. */
function libIsCurrent() {
  const assembly = path.join(root, ".jsii");
  if (!fs.existsSync(assembly) || !fs.existsSync(path.join(root, "lib", "index.js"))) return false;
  const built = fs.statSync(assembly).mtimeMs;
  const newest = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = path.join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  return newest(path.join(root, "src")) <= built;
}

// 1. The package as npm would publish it.
if (!libIsCurrent()) mustPass("npm run build (lib/ older than src/)", "npm", ["run", "build"], { cwd: root });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-fsi-smoke-"));
const packed = mustPass("npm pack", "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root });
const tarball = path.join(work, JSON.parse(packed.stdout)[0].filename);

// 2. The project, file by file, from the README.
const blocks = readmeBlocks(fs.readFileSync(path.join(root, "README.md"), "utf8"));
const app = path.join(work, "app");
fs.mkdirSync(app);
const env = userEnvironment();
for (const block of blocks.filter((b) => b.kind === "file")) fs.writeFileSync(path.join(app, block.name), block.text);

// 3. The README's install commands, with the tarball in place of the registry's copy.
const installs = blocks.filter((b) => b.kind === "install").flatMap((b) => commands(b.text));
if (installs.length === 0) fail("the README has no <!-- smoke:install --> block");
for (const argv of installs) {
  if (argv[0] !== "npm" || argv[1] !== "install") fail(`install block line is not an npm install: ${argv.join(" ")}`);
  const args = argv.slice(1).map((a) => (a === PACKAGE ? tarball : a));
  mustPass(argv.join(" "), "npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: app, env });
}

// The install is a user's, not a link into this checkout, and has no optional peer.
const installed = path.join(app, "node_modules", PACKAGE);
if (fs.lstatSync(installed).isSymbolicLink()) fail(`${installed} is a link, not an installed copy`);
for (const optional of ["@cdktf/provider-azuread", "@cdktf/provider-time"]) {
  if (fs.existsSync(path.join(app, "node_modules", optional))) fail(`${optional} was installed although the README's install commands leave it out`);
}
const resolved = run("resolve cdktf from the app", process.execPath, ["-p", "require.resolve('cdktf')"], { cwd: app, env }).stdout.trim();
if (!resolved.startsWith(app + path.sep)) fail(`cdktf resolves to ${resolved}, outside the app`);
const shipped = [];
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : shipped.push(path.join(dir, e.name))));
walk(path.join(installed, "lib"));
const mapped = shipped.filter((f) => f.endsWith(".map") || (f.endsWith(".js") && fs.readFileSync(f, "utf8").includes("sourceMappingURL")));
if (mapped.length > 0) fail(`the package ships source maps: ${mapped.slice(0, 3).join(", ")}`);

// 4. The README's commands: synth, check, test.
const runEnv = { ...env };
for (const argv of blocks.filter((b) => b.kind === "run").flatMap((b) => commands(b.text))) {
  if (argv[0] === "export") {
    const [key, ...value] = argv[1].split("=");
    runEnv[key] = value.join("=");
    continue;
  }
  mustPass(argv.join(" "), argv[0], argv.slice(1), { cwd: app, env: runEnv });
}
if (!fs.existsSync(path.join(app, "cdktf.out", "manifest.json"))) fail("npm run synth wrote no cdktf.out/manifest.json");

// 5. The CLI as installed: help exits 0, a usage error exits 2 with the usage, SARIF for code scanning.
const cli = path.join(app, "node_modules", ".bin", PACKAGE);
for (const args of [["--help"], ["-h"], ["help"]]) {
  const r = run(`${PACKAGE} ${args.join(" ")}`, cli, args, { cwd: app, env: runEnv });
  if (r.status !== 0 || !r.stdout.includes("Usage:")) fail(`${args.join(" ")} should print the usage and exit 0`, r.stdout + r.stderr);
}
const bogus = run(`${PACKAGE} check --bogus`, cli, ["check", "--bogus"], { cwd: app, env: runEnv });
if (bogus.status !== 2 || !bogus.stderr.includes("--bogus") || !bogus.stderr.includes("Usage:")) fail("an unknown option should exit 2 with the usage", bogus.stdout + bogus.stderr);
mustPass(`${PACKAGE} check cdktf.out --format sarif --out guardrails.sarif`, cli, ["check", "cdktf.out", "--format", "sarif", "--out", "guardrails.sarif"], { cwd: app, env: runEnv });
const sarif = JSON.parse(fs.readFileSync(path.join(app, "guardrails.sarif"), "utf8"));
if (sarif.version !== "2.1.0" || sarif.runs[0].tool.driver.rules.length === 0) fail("guardrails.sarif is not a SARIF 2.1.0 log with the rules");

// 6. An Entra ID construct without its optional peer names the package to install.
const entra = run(
  "EntraAppRegistration without @cdktf/provider-azuread",
  process.execPath,
  [
    "-e",
    `const { TerraformStack, Testing } = require("cdktf");
     const { EntraAppRegistration } = require("${PACKAGE}");
     new EntraAppRegistration(new TerraformStack(Testing.app(), "login-dev"), "login", { tenantId: "00000000-0000-4000-8000-000000000001", displayName: "Airflow" });`,
  ],
  { cwd: app, env: runEnv },
);
if (entra.status === 0 || !entra.stderr.includes('login-dev/login: EntraAppRegistration needs the peer dependency @cdktf/provider-azuread, which is not installed. Install it next to cdktf-firestore-identity: npm install @cdktf/provider-azuread@"')) {
  fail("a missing @cdktf/provider-azuread should fail with what to install", entra.stderr);
}

const total = (Date.now() - started) / 1000;
console.log(`smoke test passed in ${total.toFixed(1)} s (${work}${keep ? ", kept" : ""})`);
if (!keep) fs.rmSync(work, { recursive: true, force: true });
