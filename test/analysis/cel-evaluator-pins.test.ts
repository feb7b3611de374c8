/**
 * What the CEL evaluator promises its callers (IAM conditions, attribute mappings and
 * attribute conditions): a value in plain JS, or one of three failures that the callers turn
 * into different answers. An evaluation error is what Google's evaluator also hits (the
 * condition grants nothing, the token is refused); a function or variable this engine lacks
 * is "unsupported" (the answer becomes unknown, never a guessed no); a parse failure is
 * "syntax" (Google refuses the binding or the provider).
 */
import { evaluateCel, stringLiterals } from "../../src/analysis/cel-evaluator";

const value = (expression: string, bindings: Record<string, unknown> = {}) => {
  const out = evaluateCel(expression, bindings);
  expect({ expression, kind: out.kind }).toEqual({ expression, kind: "value" });
  return (out as { value: unknown }).value;
};
const kindOf = (expression: string, bindings: Record<string, unknown> = {}) => evaluateCel(expression, bindings).kind;

// The engine's environment (extract, the string extensions) is built on the first evaluation in
// a process, and per-test coverage credits its construction to that test alone: so the test
// that needs the environment whole comes first.
describe("Google's extract() and the string extensions", () => {
  // extract(template): the text where {name} stands, "" when the text around it is missing.
  // https://cloud.google.com/iam/docs/conditions-attribute-reference (extract function)
  const extract = (subject: string, template: string) => value(`assertion.s.extract(${JSON.stringify(template)})`, { assertion: { s: subject } });
  const name = "projects/_/buckets/acme-orders/objects/data_lake/orders/order_date=2019-11-03/aef87g87ae0876";

  test("CEL's string extensions are there (lowerAscii, split, replace) beside extract()", () => {
    expect(value('"projects/p-1/databases/app".extract("/databases/{database}")')).toBe("app");
    expect(value('"ACME/App".lowerAscii()')).toBe("acme/app");
    expect(value('"a,b".split(",")')).toEqual(["a", "b"]);
    expect(value('"repo:acme/app".replace("repo:", "")')).toBe("acme/app");
  });

  test("the text between the prefix and the suffix", () => {
    expect(extract(name, "/order_date={date}/")).toBe("2019-11-03");
    expect(extract("projects/p-1/databases/app", "projects/{project}/")).toBe("p-1");
  });

  test("no suffix takes the rest; no prefix starts at the beginning", () => {
    expect(extract("projects/p-1/databases/app", "/databases/{database}")).toBe("app");
    expect(extract("projects/p-1/databases/app", "{all}")).toBe("projects/p-1/databases/app");
    expect(extract("projects/p-1/databases/app", "{first}/")).toBe("projects");
  });

  test("a missing prefix or suffix, or a template without {name}, gives the empty string", () => {
    expect(extract(name, "/order_day={date}/")).toBe("");
    expect(extract("projects/p-1/databases/app", "/databases/{database}/")).toBe("");
    expect(extract("projects/p-1", "projects/")).toBe("");
    expect(extract("projects/p-1/databases/app", "/documents/{document}")).toBe("");
  });

  test("a template without a {name} extracts nothing, even where its text occurs twice", () => {
    expect(extract("projects/p-1/projects/p-2", "projects/")).toBe("");
    expect(extract("projects/{x/projects/{x", "projects/{x")).toBe("");
    expect(extract("a/b}x/", "/b}/")).toBe("");
  });

  test("the suffix is searched after the prefix, not before it", () => {
    expect(extract("a/x/b/y/a/z/", "/b/{v}/")).toBe("y");
    expect(extract("x/b/a/y/", "a/{v}/")).toBe("y");
  });
});

describe("values come back as plain JS", () => {
  test("integers, unsigned integers, doubles, strings and booleans", () => {
    expect(value("40 + 2")).toBe(42);
    expect(value("7u")).toBe(7);
    expect(value("assertion.n * 2.0", { assertion: { n: 1.25 } })).toBe(2.5);
    expect(value('"a" + "b"')).toBe("ab");
    expect(value("assertion.x == 1", { assertion: { x: 1 } })).toBe(true);
  });

  test("lists become arrays and maps objects, element by element", () => {
    expect(value("[1, 2u, 'a', [3]]")).toEqual([1, 2, "a", [3]]);
    expect(value("{'a': 1, 2: ['x']}")).toEqual({ a: 1, "2": ["x"] });
    // A token's list claim (a list `aud`, `groups`) reads back as the same list.
    expect(value("assertion.groups", { assertion: { groups: ["g1", "g2"] } })).toEqual(["g1", "g2"]);
  });
});

describe("errors, unsupported functions and syntax are told apart", () => {
  test("a claim the token lacks, a type mismatch or a division by zero is an evaluation error", () => {
    const missing = evaluateCel("assertion.missing", { assertion: {} });
    expect(missing).toEqual({ kind: "error", message: "field not found: missing" });
    expect(kindOf('1 + "a"')).toBe("error");
    expect(kindOf("1 / 0")).toBe("error");
    expect(kindOf("assertion.a.b", { assertion: { a: "text" } })).toBe("error");
    // has() guards an optional claim, as Google's docs advise for mappings.
    expect(value('has(assertion.missing) ? assertion.missing : "none"', { assertion: {} })).toBe("none");
  });

  test("a function or variable the engine lacks is unsupported, never an error", () => {
    expect(evaluateCel('resource.matchTag("env", "dev")', { resource: {} })).toEqual({ kind: "unsupported", message: "unbound function: matchTag" });
    expect(evaluateCel("api.getAttribute('x', '')", {})).toEqual({ kind: "unsupported", message: "unbound function: getAttribute" });
    // A variable the caller does not bind (here `origin`, an IAM request attribute).
    expect(evaluateCel('origin.ip == "10.0.0.1"', {})).toEqual({ kind: "unsupported", message: "unresolved attribute" });
    // A built-in function called with an overload the engine does not have: Google may have it.
    expect(kindOf('"abc".startsWith(1)')).toBe("unsupported");
    expect(kindOf("size(1)")).toBe("unsupported");
    // ...while an operator applied to the wrong types is an error in every CEL evaluator.
    expect(kindOf('"a" < 1')).toBe("error");
  });

  test("text that does not parse is a syntax failure, its position without the parser's <input> prefix", () => {
    const out = evaluateCel("resource.name ==", {});
    expect(out.kind).toBe("syntax");
    expect((out as { message: string }).message).toBe("1:15: found = but expecting end of input");
  });
});

describe("one plan serves every expression of a shape, without changing what any of them means", () => {
  test("expressions that differ only in their literals each keep their own literals, in order", () => {
    expect(value('resource.name == "projects/p/databases/a"', { resource: { name: "projects/p/databases/a" } })).toBe(true);
    expect(value('resource.name == "projects/p/databases/b"', { resource: { name: "projects/p/databases/a" } })).toBe(false);
    expect(value('"ab".startsWith("a")')).toBe(true);
    expect(value('"a".startsWith("ab")')).toBe(false);
    expect(value('"" == ""')).toBe(true);
  });

  test("quotes inside other quoting, escapes and triple quotes keep their meaning", () => {
    expect(value("size('a\"bc\"d')")).toBe(6);
    expect(value('"""abc""" == "abc"')).toBe(true);
    expect(value('"a\\"b" == \'a"b\'')).toBe(true);
  });

  test("bytes and raw literals are not plain strings", () => {
    expect(value('b"/x" == b"/x"')).toBe(true);
    expect(value('b"x" == "x"')).toBe(false);
    expect(value('r"/x" == "/x"')).toBe(true);
  });

  test("a binding named like a lifted literal does not leak into the expression", () => {
    expect(value('x == "a"', { x: "a", __lit0: "b" })).toBe(true);
  });
});

describe("stringLiterals: every string literal once, for probing what a condition admits", () => {
  test("plain literals, in order of appearance, each once", () => {
    expect(stringLiterals('resource.name == "projects/p/databases/a" || resource.name == "projects/p/databases/b" || resource.name == "projects/p/databases/a"')).toEqual([
      "projects/p/databases/a",
      "projects/p/databases/b",
    ]);
  });

  test("single-quoted and escaped literals are read from the syntax tree; bytes, numbers and names are not strings", () => {
    expect(stringLiterals("resource.name == 'projects/p/databases/a' || \"b\\\"c\" == x || b\"bytes\" == y || z == 1")).toEqual(["projects/p/databases/a", 'b"c']);
    expect(stringLiterals("[['nested'], {'k': 'v'}]")).toEqual(expect.arrayContaining(["nested", "k", "v"]));
    expect(stringLiterals("x == 1 && y")).toEqual([]);
  });

  test("text that does not parse has none", () => {
    expect(stringLiterals("resource.name == 'a' ||")).toEqual([]);
    expect(stringLiterals('resource.name == "projects/p/databases/a" ||')).toEqual([]);
  });
});
