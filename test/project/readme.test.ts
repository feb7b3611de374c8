import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { FirestoreGuardrails } from "../../src";
import { main } from "../../src/cli/main";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readmeBlocks, commands } = require("../../scripts/readme-blocks") as {
  readmeBlocks(readme: string): Array<{ kind: string; name?: string; text: string }>;
  commands(text: string): string[][];
};

const repo = join(__dirname, "..", "..");
const readme = readFileSync(join(repo, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  name: string;
  repository: { url: string };
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const repositoryUrl = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
const blocks = readmeBlocks(readme);
const file = (name: string): string => blocks.find((b) => b.kind === "file" && b.name === name)!.text;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

describe("README", () => {
  test("lists every guardrail rule with its current level and description", () => {
    const missing = FirestoreGuardrails.rules()
      .map((r) => `| ${r.id} | ${r.level} | ${r.description}`)
      .filter((row) => !readme.includes(row));
    expect(missing).toEqual([]);
  });

  test("gives the two commands a newcomer needs", () => {
    expect(readme).toContain("npm ci && npm run synth");
    expect(readme).toContain("npm test");
  });

  test("puts users first: install, a project, a quick start and CI come before the repository's own commands", () => {
    const order = ["## Install", "## A project from nothing", "## Quick start", "## Continuous integration", "## API reference", "## Example stacks", "# Working on this repository", "## Two commands", "## Performance", "## Development"];
    const positions = order.map((h) => readme.search(new RegExp(`^${h}`, "m")));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test("links into the repository use package.json's repository URL and name files that exist", () => {
    const links = [...readme.matchAll(/\]\((https:\/\/github\.com\/[^)\s]+)\)/g)].map((m) => m[1]).filter((l) => l.startsWith(repositoryUrl + "/"));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      const match = new RegExp(`^${repositoryUrl.replace(/[.]/g, "\\.")}/(?:blob|tree)/main/(.+)$`).exec(link);
      expect({ link, inRepository: match !== null }).toEqual({ link, inRepository: true });
      expect({ link, exists: existsSync(join(repo, match![1])) }).toEqual({ link, exists: true });
    }
  });

  test("every #anchor leads to a heading", () => {
    const headings = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));
    const anchors = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(anchors.filter((a) => !headings.has(a))).toEqual([]);
  });

  test("Install names every peer with the range package.json declares, optional ones as optional and outside the smoke install", () => {
    const install = blocks.filter((b) => b.kind === "install").flatMap((b) => commands(b.text)).flat();
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      const optional = pkg.peerDependenciesMeta[name]?.optional === true;
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
      expect({ name, row }).toEqual({ name, row: expect.stringMatching(new RegExp(`^\\| \`${name}\` \\| \\${range} \\| ${optional ? "optional" : "always"}`)) });
      expect({ name, inSmokeInstall: install.includes(`${name}@${range}`) }).toEqual({ name, inSmokeInstall: !optional });
      expect(readme).toContain(`${name}@${range}`);
    }
    expect(install).toContain(pkg.name);
  });

  test("the project from nothing is complete: package.json with synth, check and test scripts, and the files it names", () => {
    const scripts = (JSON.parse(file("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts).toEqual({ synth: "cdktf synth", check: `${pkg.name} check cdktf.out`, test: "tsc --noEmit && jest" });
    expect(JSON.parse(file("cdktf.json")).app).toBe("npx tsx main.ts");
    expect(file("jest.config.js")).toContain('setupFilesAfterEnv: ["<rootDir>/setup.ts"]');
    expect(file("setup.ts")).toContain("setupFirestoreMatchers()");
    const run = blocks.filter((b) => b.kind === "run").flatMap((b) => commands(b.text));
    expect(run).toEqual([["export", "CHECKPOINT_DISABLE=1"], ["npm", "run", "synth"], ["npm", "run", "check"], ["npm", "test"]]);
  });

  test("the Quick start app synthesizes under the guardrails and passes check, cross-stack rules included", () => {
    // The README's files, run against this checkout's src/ under the package's name; the
    // consumer smoke test (npm run smoke) does the same against the packed tarball.
    const dir = mkdtempSync(join(tmpdir(), "readme-quick-start-"));
    try {
      for (const name of ["deploy-stack.ts", "main.ts"]) writeFileSync(join(dir, name), file(name));
      const alias = `const M = require("module"); const r = M._resolveFilename; M._resolveFilename = function (req, ...rest) {
        if (req === "${pkg.name}") req = ${JSON.stringify(join(repo, "src"))};
        else if (req === "${pkg.name}/testing") req = ${JSON.stringify(join(repo, "src", "testing"))};
        return r.call(this, req, ...rest); }; require("./main.ts");`;
      execFileSync(process.execPath, ["-r", require.resolve("tsx/cjs"), "-e", alias], { cwd: dir, env: { ...process.env, NODE_PATH: join(repo, "node_modules") }, encoding: "utf8" });
      const out: string[] = [];
      const code = main(["check", join(dir, "cdktf.out")], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
      expect({ code, out: out.join("") }).toEqual({ code: 0, out: expect.stringMatching(/^0 error\(s\), 0 warning\(s\), 0 suppressed, \d+ compliant/m) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
