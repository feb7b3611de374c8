import { createHash } from "crypto";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { libraryApp, rawApp } from "./apps";

/**
 * Synthesizes the library and the raw app (apps.ts) and compares their Terraform JSON with
 * construct ids and paths taken out (references are replaced by a hash of the resource
 * they point at). run.ts refuses to time a comparison whose two sides do not declare the
 * same thing, and npm test runs this at the smallest size (test/project/bench-smoke.test.ts),
 * so a construct that changes its output without the raw app following fails at once
 * instead of when someone next runs the bench.
 */

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

/** `{ equal: true }`, or the first line that differs between the two apps' canonical forms. */
export function compareLibraryAndRaw(N: number, M: number): { equal: boolean; difference?: string } {
  return compareWithRaw(N, M, M);
}

/** The library app with M principals per environment against the raw app with rawM (the test's control uses rawM != M). */
export function compareWithRaw(N: number, M: number, rawM: number): { equal: boolean; difference?: string } {
  const libDir = mkdtempSync(join(tmpdir(), "cdktf-fsi-bench-"));
  const rawDir = mkdtempSync(join(tmpdir(), "cdktf-fsi-bench-"));
  try {
    libraryApp(libDir, N, M).synth();
    rawApp(rawDir, N, rawM).synth();
    const lib = canonical(libDir);
    const raw = canonical(rawDir);
    for (const stack of new Set([...Object.keys(lib), ...Object.keys(raw)])) {
      const a = lib[stack] ?? [];
      const b = raw[stack] ?? [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i]) return { equal: false, difference: `stack ${stack}, line ${i}:\n  library: ${a[i]}\n  raw:     ${b[i]}` };
      }
    }
    return { equal: true };
  } finally {
    rmSync(libDir, { recursive: true, force: true });
    rmSync(rawDir, { recursive: true, force: true });
  }
}
