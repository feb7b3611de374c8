import { SECRET_SLOTS, SecretSlot, generation, slotGeneration } from "../../src/entra/secret-generations";

/**
 * Evaluates the generated Terraform expression for a given plan date, by translating the few
 * functions it uses (formatdate "YYYY"/"M"/"D", parseint, floor) into JavaScript: the same
 * arithmetic Terraform runs, on every day of several years.
 */
function evaluate(expression: string, date: Date): number {
  const body = expression
    .replace(/^\$\{|\}$/g, "")
    .replace(/parseint\(formatdate\("YYYY", plantimestamp\(\)\), 10\)/g, String(date.getUTCFullYear()))
    .replace(/parseint\(formatdate\("M", plantimestamp\(\)\), 10\)/g, String(date.getUTCMonth() + 1))
    .replace(/parseint\(formatdate\("D", plantimestamp\(\)\), 10\)/g, String(date.getUTCDate()))
    .replace(/floor\(/g, "Math.floor(");
  expect(body).not.toMatch(/plantimestamp|formatdate|parseint/);
  return new Function(`return ${body};`)() as number;
}

const DAY = 86_400_000;
const days = (from: string, count: number) => Array.from({ length: count }, (_, i) => new Date(Date.parse(from) + i * DAY));

describe.each([1, 30, 60])("two-slot rotation every %i days", (rotationDays) => {
  const calendar = days("2026-01-01T12:00:00Z", 4 * 366);
  const series = (slot: SecretSlot) => calendar.map((d) => evaluate(slotGeneration(slot, rotationDays), d));
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
  const values = days("2027-12-25T00:00:00Z", 3 * 366).map((d) => evaluate(`\${${generation(1)}}`, d));
  values.forEach((v, i) => i > 0 && expect(v - values[i - 1]).toBe(1));
});

test("every slot's expression reads only the plan's date", () => {
  for (const slot of SECRET_SLOTS) expect(slotGeneration(slot, 30)).toMatch(/^\$\{floor\(.*plantimestamp\(\).*\)\}$/);
});
