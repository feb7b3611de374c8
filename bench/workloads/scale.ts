import { libraryApp, rawApp } from "./apps";
import { measure } from "./measure";

/** `scale.ts library|raw N M`: one synth of the generated app (see apps.ts). */
const [mode, nArg, mArg] = process.argv.slice(2);
const N = Number(nArg);
const M = Number(mArg);
if (!["library", "raw"].includes(mode) || !(N > 0) || !(M > 0)) throw new Error("usage: scale.ts library|raw N M");

measure(`${mode} N=${N} M=${M}`, (outdir) => {
  (mode === "library" ? libraryApp : rawApp)(outdir, N, M).synth();
});
