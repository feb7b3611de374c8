import { compareLibraryAndRaw, compareWithRaw } from "../../bench/workloads/compare";

// The bench times the library's constructs against the same resources declared with raw
// provider classes, and refuses to run when the two synthesize different Terraform. A
// construct that changes what it writes (new attribute mappings, say) must change the raw
// app too, or `npm run bench` stops measuring: this catches it in every `npm test`, at the
// smallest size, with no timing. `.ci/run` also runs every workload (`npm run bench -- --smoke`).
test("the bench's library and raw apps synthesize the same Terraform", () => {
  expect(compareLibraryAndRaw(1, 2)).toEqual({ equal: true });
});

test("the comparison sees a difference: the raw app with one principal fewer is not the library app", () => {
  // Control: equal() above is not a comparison that cannot fail.
  const result = compareWithRaw(1, 2, 1);
  expect(result.equal).toBe(false);
  expect(result.difference).toMatch(/stack env-0/);
});
