/**
 * Which generation of a two-slot client secret is current, as a Terraform expression over
 * the plan's date: the days since a fixed epoch (civil calendar, Howard Hinnant's
 * days_from_civil) divided into periods of `rotationDays`. The generation is known at plan
 * (plantimestamp, Terraform 1.5+), depends on no state, and never drifts: it changes at
 * fixed calendar boundaries whenever the apply happens. Slot A takes the odd steps, slot B
 * the even ones, so the two are never replaced in the same period.
 */

const PLAN = "plantimestamp()";
const YEAR = `parseint(formatdate("YYYY", ${PLAN}), 10)`;
const MONTH = `parseint(formatdate("M", ${PLAN}), 10)`;
const DAY = `parseint(formatdate("D", ${PLAN}), 10)`;

/** Days since 0000-03-01 of the plan's date: +1 every calendar day. */
function dayNumber(): string {
  const y = `(${YEAR} - (${MONTH} <= 2 ? 1 : 0))`;
  const monthDays = `floor((153 * (${MONTH} > 2 ? ${MONTH} - 3 : ${MONTH} + 9) + 2) / 5)`;
  return `(365 * ${y} + floor(${y} / 4) - floor(${y} / 100) + floor(${y} / 400) + ${monthDays} + ${DAY} - 1)`;
}

/** The number of whole periods of `rotationDays` before the plan's date. */
export function generation(rotationDays: number): string {
  return `floor(${dayNumber()} / ${rotationDays})`;
}

/** The two slots of an overlapping client secret. */
export const SECRET_SLOTS = ["A", "B"] as const;
export type SecretSlot = (typeof SECRET_SLOTS)[number];

/** A Terraform expression that changes every second period, A and B half a cycle apart. */
export function slotGeneration(slot: SecretSlot, rotationDays: number): string {
  const g = generation(rotationDays);
  return `\${${slot === "A" ? `floor((${g} + 1) / 2)` : `floor(${g} / 2)`}}`;
}
