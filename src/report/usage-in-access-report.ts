import { AccessChain } from "./access-chains";
import { GrantUsageStatus, UsageReport } from "./usage-report";

/**
 * The access report's "Used in the window" cell for one chain: what the window shows of the
 * grant it ends in (matched by stack, role, database and service account).
 */
export function usedInWindow(usage: UsageReport, chain: AccessChain): string {
  const candidates = usage.grants.filter(
    (g) => g.stack === chain.stack && g.role === chain.role && g.database === chain.database && (chain.serviceAccount === "" || g.members.includes(`serviceAccount:${chain.serviceAccount}`)),
  );
  if (candidates.length !== 1) return "";
  const g = candidates[0];
  if (g.status !== GrantUsageStatus.USED) return g.status;
  return `used: ${g.used.map((u) => `${u.permission} (${u.calls})`).join(", ")}${g.recommendation ? `; ${g.narrowestLevel || "a custom role"} would do` : ""}`;
}
