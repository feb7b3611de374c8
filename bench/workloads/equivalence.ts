import { compareLibraryAndRaw } from "./compare";

/** `equivalence.ts N M`: prints `{"equal": true}` or the first difference (see compare.ts). */
const N = Number(process.argv[2] ?? 2);
const M = Number(process.argv[3] ?? 3);
process.stdout.write(`${JSON.stringify(compareLibraryAndRaw(N, M))}\n`);
