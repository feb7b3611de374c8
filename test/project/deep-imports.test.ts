import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

// Loading a provider package's root pulls in ~1,500 modules (1.8 s, 455 MB per process).
const ROOT_IMPORT = /(?:from\s+|require\()\s*["'](@cdktf\/provider-[a-z]+)["']/g;
const DEEP_IMPORT = /(?:from\s+|require\()\s*["'](@cdktf\/provider-[a-z]+\/[^"']+)["']/g;
const repo = join(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

const files = ["src", "examples", "test", "bench"].flatMap((dir) => {
  try {
    return sourceFiles(join(repo, dir));
  } catch {
    return [];
  }
});

test("the scan sees the project's sources", () => {
  expect(files.length).toBeGreaterThan(10);
});

test("no file imports a provider package's root", () => {
  const offenders = files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(ROOT_IMPORT)].map((m) => `${relative(repo, file)}: ${m[1]}`),
  );
  expect(offenders).toEqual([]);
});

test("deep imports point at a resource module under lib/", () => {
  const bad = files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(DEEP_IMPORT)]
      .map((m) => m[1])
      .filter((spec) => !/^@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+$/.test(spec))
      .map((spec) => `${relative(repo, file)}: ${spec}`),
  );
  expect(bad).toEqual([]);
});
