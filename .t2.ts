import { loadSynthOutput } from "./src/analysis/synth-output";
import { RULES } from "./src/guardrails/rules";
let t = performance.now();
const stacks = loadSynthOutput("/tmp/sim400");
console.log("load", (performance.now() - t).toFixed(0));
for (const rule of RULES) {
  t = performance.now();
  if (rule.scope === "app") rule.evaluate(stacks); else for (const s of stacks) (rule as any).evaluate(s);
  console.log(rule.id, (performance.now() - t).toFixed(0));
}
