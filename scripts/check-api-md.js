#!/usr/bin/env node
// Fails when API.md differs from what jsii-docgen writes for the current src/.
// `node scripts/check-api-md.js --write` regenerates it instead.
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: "1", JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: "1" };
const bin = (name) => path.join(root, "node_modules", ".bin", name);

// From an empty lib/, as `npm run build` does: check-package.js packs what this writes, and a
// file of a moved module left in lib/ would be packed and checked though npm would not publish it.
fs.rmSync(path.join(root, "lib"), { recursive: true, force: true });
execFileSync(bin("jsii"), ["--silence-warnings=reserved-word"], { cwd: root, env, stdio: "inherit" });
const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "api-md-")), "API.md");
execFileSync(bin("jsii-docgen"), ["-o", tmp], { cwd: root, env, stdio: "inherit" });
const fresh = fs.readFileSync(tmp, "utf8");
const target = path.join(root, "API.md");

if (process.argv.includes("--write")) {
  fs.writeFileSync(target, fresh);
  console.log("API.md regenerated");
  process.exit(0);
}
const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
if (current !== fresh) {
  console.error("API.md is stale: run `npm run docgen` and commit the result.");
  process.exit(1);
}
console.log("API.md is current");
