import { createHash } from "crypto";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { libraryApp, rawApp } from "./apps";

/**
 * `equivalence.ts N M`: synthesizes the library and the raw app and compares their
 * Terraform JSON with construct ids and paths taken out (references are replaced by a
 * hash of the resource they point at). Prints `{"equal": true}` or the first difference.
 * run.ts refuses to time a comparison whose two sides do not declare the same thing.
 */
const N = Number(process.argv[2] ?? 2);
const M = Number(process.argv[3] ?? 3);

const REF = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}/g;
const hash = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 12);

function withoutMeta(value: any): any {
  if (Array.isArray(value)) return value.map(withoutMeta);
  if (!value || typeof value !== "object") return value;
  const out: any = {};
  for (const key of Object.keys(value).sort()) if (key !== "//") out[key] = withoutMeta(value[key]);
  return out;
}

/** Each stack as sorted lines `type <config>`, names replaced by content hashes. */
function canonical(outdir: string): Record<string, string[]> {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const result: Record<string, string[]> = {};
  for (const [name, stack] of Object.entries<any>(manifest.stacks)) {
    const json = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8"));
    const configs = new Map<string, string>();
    for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
      for (const [rname, config] of Object.entries<any>(byName)) configs.set(`${type}.${rname}`, JSON.stringify(withoutMeta(config)));
    }
    // Pass 1: identity of a resource without its references; pass 2: references by that identity.
    const identity = new Map<string, string>();
    for (const [address, text] of configs) identity.set(address, hash(`${address.split(".")[0]} ${text.replace(REF, (_w, t, _n, a) => `\${${t}.*.${a}}`)}`));
    result[name] = [...configs]
      .map(([address, text]) => `${address.split(".")[0]} ${text.replace(REF, (_w, t, n, a) => `\${${t}.${identity.get(`${t}.${n}`) ?? n}.${a}}`)}`)
      .sort();
    const { resource: _r, "//": _m, ...rest } = json;
    result[name].push(`(rest) ${JSON.stringify(withoutMeta(rest))}`);
  }
  return result;
}

const libDir = mkdtempSync(join(tmpdir(), "cdktf-fsi-bench-"));
const rawDir = mkdtempSync(join(tmpdir(), "cdktf-fsi-bench-"));
try {
  libraryApp(libDir, N, M).synth();
  rawApp(rawDir, N, M).synth();
  const lib = canonical(libDir);
  const raw = canonical(rawDir);
  let difference: string | undefined;
  for (const stack of new Set([...Object.keys(lib), ...Object.keys(raw)])) {
    const a = lib[stack] ?? [];
    const b = raw[stack] ?? [];
    for (let i = 0; i < Math.max(a.length, b.length) && !difference; i++) {
      if (a[i] !== b[i]) difference = `stack ${stack}, line ${i}:\n  library: ${a[i]}\n  raw:     ${b[i]}`;
    }
  }
  process.stdout.write(`${JSON.stringify({ equal: difference === undefined, difference })}\n`);
} finally {
  rmSync(libDir, { recursive: true, force: true });
  rmSync(rawDir, { recursive: true, force: true });
}
