import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";
import { StackModel, TfResource, isLiteral } from "../../analysis/terraform-json";

const MAX_DAYS = 180;
const HOURS_PER_DAY = 24;

/** Go duration (`4320h`, `2400h30m`) in hours; undefined when not a plain duration. */
function durationHours(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^(\d+h)?(\d+m)?(\d+s)?$/.test(value) || value === "") return undefined;
  const part = (unit: string) => Number(new RegExp(`(\\d+)${unit}`).exec(value)?.[1] ?? 0);
  return part("h") + part("m") / 60 + part("s") / 3600;
}

/**
 * Longest time between rotations of a time_rotating resource, in days. Months and years
 * count at their longest (31 and 366 days) so "6 months" is not mistaken for 180 days.
 */
function rotationDays(c: any): number | undefined {
  const n = (k: string) => (typeof c[k] === "number" ? c[k] : undefined);
  const candidates = [
    n("rotation_minutes") !== undefined ? n("rotation_minutes")! / 60 / HOURS_PER_DAY : undefined,
    n("rotation_hours") !== undefined ? n("rotation_hours")! / HOURS_PER_DAY : undefined,
    n("rotation_days"),
    n("rotation_months") !== undefined ? n("rotation_months")! * 31 : undefined,
    n("rotation_years") !== undefined ? n("rotation_years")! * 366 : undefined,
  ].filter((d): d is number => d !== undefined);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}

function validityDays(stack: StackModel, password: TfResource): number | undefined {
  const c = password.config;
  const relative = durationHours(c.end_date_relative);
  if (relative !== undefined) return relative / HOURS_PER_DAY;
  const ref = stack.referenced(c.end_date);
  if (ref?.resource.type === "time_rotating" && ref.attribute === "rotation_rfc3339") return rotationDays(ref.resource.config);
  const timeadd = typeof c.end_date === "string" ? /^\$\{timeadd\([^,]+,\s*"([0-9hms]+)"\)\}$/.exec(c.end_date) : null;
  if (timeadd) {
    const hours = durationHours(timeadd[1]);
    return hours === undefined ? undefined : hours / HOURS_PER_DAY;
  }
  if (isLiteral(c.end_date) && isLiteral(c.start_date)) {
    const ms = Date.parse(c.end_date) - Date.parse(c.start_date);
    return Number.isFinite(ms) ? ms / 86_400_000 : undefined;
  }
  return undefined;
}

export const entraSecretRotation: StackRule = {
  id: "FSI-ENTRA-003",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "azuread_application_password is absent, or rotates (rotate_when_changed) and expires within 180 days.",
  explanation:
    "A client secret is stored in Terraform state and works from anywhere until it expires; federated credentials need " +
    "none. When a secret is unavoidable it must expire and be replaced on a short schedule.",
  fix: "Prefer a federated identity credential; else use EntraClientSecret (two passwords that take turns), or set end_date within 180 days of a time_rotating or time_static stamp and rotate_when_changed on what replaces it.",
  evaluate(stack: StackModel): RuleResult[] {
    return eachResource(stack, stack.ofType("azuread_application_password"), (password) => {
      const rotate = password.config.rotate_when_changed;
      if (!rotate || typeof rotate !== "object" || Object.keys(rotate).length === 0) return "rotate_when_changed is not set, so the secret is never replaced";
      const days = validityDays(stack, password);
      if (days === undefined) return `its lifetime cannot be read from end_date/end_date_relative; it must be at most ${MAX_DAYS} days`;
      if (days > MAX_DAYS) return `it is valid for ${Math.round(days)} days, more than ${MAX_DAYS}`;
      return undefined;
    });
  },
};
