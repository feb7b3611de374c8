import { SECRET_SLOTS, SecretSlot, generation, slotGeneration } from "../../src/entra/secret-generations";

/**
 * Compiles the generated Terraform expression into a function of the plan's date, by
 * translating the few functions it uses (formatdate "YYYY"/"M"/"D", parseint, floor) into
 * JavaScript: the same arithmetic Terraform runs, then evaluated on every day of several years.
 */
function compile(expression: string): (date: Date) => number {
  const body = expression
    .replace(/^\$\{|\}$/g, "")
    .replace(/parseint\(formatdate\("YYYY", plantimestamp\(\)\), 10\)/g, "Y")
    .replace(/parseint\(formatdate\("M", plantimestamp\(\)\), 10\)/g, "M")
    .replace(/parseint\(formatdate\("D", plantimestamp\(\)\), 10\)/g, "D")
    .replace(/floor\(/g, "Math.floor(");
  expect(body).not.toMatch(/plantimestamp|formatdate|parseint/);
  const f = new Function("Y", "M", "D", `return ${body};`) as (y: number, m: number, d: number) => number;
  return (date) => f(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

const DAY = 86_400_000;
const days = (from: string, count: number) => Array.from({ length: count }, (_, i) => new Date(Date.parse(from) + i * DAY));

describe.each([1, 30, 60])("two-slot rotation every %i days", (rotationDays) => {
  const calendar = days("2026-01-01T12:00:00Z", 4 * 366);
  const series = (slot: SecretSlot) => calendar.map(compile(slotGeneration(slot, rotationDays)));
  const changes = (values: number[]) => values.flatMap((v, i) => (i > 0 && v !== values[i - 1] ? [i] : []));
  const a = changes(series("A"));
  const b = changes(series("B"));

  test("the two slots never rotate on the same day, and take turns", () => {
    expect(a.filter((i) => b.includes(i))).toEqual([]);
    const merged = [...a.map((i) => [i, "A"] as const), ...b.map((i) => [i, "B"] as const)].sort((x, y) => x[0] - y[0]);
    merged.forEach(([, slot], i) => i > 0 && expect(slot).not.toBe(merged[i - 1][1]));
  });

  test("a rotation happens every period, exactly: each slot every two periods", () => {
    const all = [...a, ...b].sort((x, y) => x - y);
    all.forEach((day, i) => i > 0 && expect(day - all[i - 1]).toBe(rotationDays));
    a.forEach((day, i) => i > 0 && expect(day - a[i - 1]).toBe(2 * rotationDays));
  });
});

test("the day count steps by exactly one across month ends, leap days and years, so periods never drift", () => {
  const values = days("2027-12-25T00:00:00Z", 3 * 366).map(compile(`\${${generation(1)}}`));
  values.forEach((v, i) => i > 0 && expect(v - values[i - 1]).toBe(1));
});

test("every slot's expression reads only the plan's date", () => {
  for (const slot of SECRET_SLOTS) expect(slotGeneration(slot, 30)).toMatch(/^\$\{floor\(.*plantimestamp\(\).*\)\}$/);
});
