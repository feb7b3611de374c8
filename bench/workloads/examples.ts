import { readFileSync } from "fs";
import { join } from "path";
import { measure } from "./measure";

/**
 * The whole examples app (examples/main.ts: every example stack for every environment,
 * guardrails included when buildExamplesApp applies them), synthesized in process.
 * Reports how many stacks the app declares and how many the output holds, so run.ts
 * can check that every stack was synthesized.
 */
measure("examples app (all stacks)", (outdir) => {
  const { App, TerraformStack } = require("cdktf");
  const { buildExamplesApp } = require("../../examples/main");
  const app = buildExamplesApp(new App({ outdir }));
  app.synth();
  return () => {
    const declared = app.node.findAll().filter((c: unknown) => TerraformStack.isStack(c)).length;
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    return { declaredStacks: declared, synthesizedStacks: Object.keys(manifest.stacks).length };
  };
});
