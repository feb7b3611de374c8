import { databaseLabel } from "./render";
import { DeniedAttempt, GrantUsage, UnexpectedCaller, UsageSummary } from "./usage-types";

/** What the renderers read of a UsageReport (kept structural so this module does not import the class). */
export interface UsageView {
  readonly summary: UsageSummary;
  readonly grants: GrantUsage[];
  readonly unexpected: UnexpectedCaller[];
  readonly denied: DeniedAttempt[];
  readonly environments: string[];
}

const day = (iso: string) => iso.slice(0, 10);
const span = (first: string, last: string) => (day(first) === day(last) ? day(first) : `${day(first)} to ${day(last)}`);

function coverageLines(s: UsageSummary): string[] {
  const lines = [
    `Window: ${s.since} to ${s.until}`,
    `Logs: ${s.entries} entries in the window (${s.outsideWindow} outside it, left out), ${s.firestoreChecks} Firestore permission checks${s.firstEntry ? `, first ${s.firstEntry}, last ${s.lastEntry}` : ""}`,
  ];
  if (s.gaps.length === 0) lines.push("Coverage: the logs cover the whole window (no day without entries).");
  else lines.push("Coverage gaps (the logs cover less than the window):", ...s.gaps.map((g) => `  - ${g}`));
  return lines;
}

function unusedWords(g: GrantUsage): { unused: string[]; blind: string[] } {
  return {
    unused: g.unused.filter((u) => u.observable).map((u) => u.permission),
    blind: g.unused.filter((u) => !u.observable).map((u) => `${u.permission} (${u.reason})`),
  };
}

function chainWords(g: GrantUsage): string[] {
  return g.chains.map((c) => {
    // One subject shows whose token it was; a Buildkite sub names each commit, so the rest is a count.
    const more = c.tokenSubjectCount > 1 ? ` and ${c.tokenSubjectCount - 1} more` : "";
    const tokens = c.tokenSubjects.length > 0 ? ` [token sub ${c.tokenSubjects[0]}${more}]` : "";
    const via = c.serviceAccount ? ` -> ${c.serviceAccount} via ${c.impersonationMember} (${c.impersonationAddress})` : "";
    const minted = c.serviceAccount ? `, ${c.tokensMinted} tokens minted` : "";
    return `${c.identity}${tokens}${via}: ${c.calls} calls${minted}`;
  });
}

/** Plain text for a terminal: per environment and database, each grant, then unexpected callers and denied attempts. */
export function usageText(r: UsageView): string {
  const out = ["Firestore access: granted vs used", ...coverageLines(r.summary), ""];
  for (const env of r.environments) {
    const grants = r.grants.filter((g) => g.environment === env);
    for (const database of [...new Set(grants.map((g) => g.database))]) {
      out.push(`${env}  ${database}`);
      for (const g of grants.filter((x) => x.database === database)) {
        out.push(`  ${g.status.toUpperCase().padEnd(15)}${g.role}  ${g.members.join(", ")}`);
        out.push(`      grant: ${g.stack} ${g.address}${g.constructPath ? ` (${g.constructPath})` : ""}`);
        for (const u of g.used) out.push(`      used: ${u.permission}, ${u.calls} calls, ${span(u.firstSeen, u.lastSeen)}`);
        for (const c of chainWords(g)) out.push(`      by: ${c}`);
        const { unused, blind } = unusedWords(g);
        if (unused.length > 0) out.push(`      never used: ${unused.join(", ")}`);
        for (const b of blind) out.push(`      not observable: ${b}`);
        if (g.narrowestLevel) out.push(`      narrowest level covering the use: ${g.narrowestLevel}`);
        if (g.customRolePermissions.length > 0) out.push(`      custom role covering the use: ${g.customRolePermissions.join(", ")}`);
        if (g.recommendation) out.push(`      -> ${g.recommendation}`);
        for (const n of g.notes) out.push(`      note: ${n}`);
      }
      out.push("");
    }
  }
  out.push(`Unexpected callers:${r.unexpected.length === 0 ? " none" : ""}`);
  for (const u of r.unexpected) {
    out.push(`  ${u.environment}  ${u.database}  ${u.caller}${u.origin ? ` (for ${u.origin})` : ""}: ${u.permissions.join(", ")}, ${u.calls} calls, ${span(u.firstSeen, u.lastSeen)}`, `      ${u.reason}`);
  }
  out.push(`Denied attempts:${r.denied.length === 0 ? " none" : ""}`);
  for (const d of r.denied) {
    out.push(`  ${d.environment}  ${d.database}  ${d.caller}${d.origin ? ` (for ${d.origin})` : ""}: ${d.permission}, ${d.calls} calls, ${span(d.firstSeen, d.lastSeen)}`);
    for (const m of d.missing) out.push(`      missing: ${m}`);
  }
  return out.join("\n") + "\n";
}

function cell(value: string): string {
  return value === "" ? "-" : value.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Markdown: the coverage, then a table of grants per environment, then unexpected callers and denied attempts. */
export function usageMarkdown(r: UsageView): string {
  const out = ["# Firestore access: granted vs used", "", ...coverageLines(r.summary).map((l) => (l.startsWith("  - ") ? l.trim() : `${l}  `)), ""];
  for (const env of r.environments) {
    const grants = r.grants.filter((g) => g.environment === env);
    if (grants.length === 0) continue;
    out.push(`## ${env}`, "", "| Database | Role | Members | Status | Used in the window | Never used | Not observable | Narrowest | Recommendation | Grant |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const g of grants) {
      const { unused, blind } = unusedWords(g);
      const used = g.used.map((u) => `${u.permission} (${u.calls}, ${span(u.firstSeen, u.lastSeen)})`).join("<br>");
      const narrowest = g.narrowestLevel || (g.customRolePermissions.length > 0 ? `custom: ${g.customRolePermissions.join(", ")}` : "");
      out.push(
        `| ${[databaseLabel(g.database), g.role, g.members.join("<br>"), g.status, used, unused.join("<br>"), blind.join("<br>"), narrowest, g.recommendation, `${g.stack} \`${g.address}\``].map(cell).join(" | ")} |`,
      );
    }
    const chains = grants.flatMap((g) => chainWords(g).map((c) => `- ${g.role} on ${databaseLabel(g.database)}: ${c}`));
    if (chains.length > 0) out.push("", "Who used them:", "", ...chains);
    const notes = [...new Set(grants.flatMap((g) => g.notes))];
    if (notes.length > 0) out.push("", "Not in the logs:", "", ...notes.map((n) => `- ${n}`));
    out.push("");
  }
  out.push("## Unexpected callers", "");
  if (r.unexpected.length === 0) out.push("None.", "");
  else {
    out.push("| Environment | Database | Caller | Origin | Permissions | Calls | Seen | Why unexpected |", "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const u of r.unexpected) out.push(`| ${[u.environment, databaseLabel(u.database), u.caller, u.origin, u.permissions.join(", "), String(u.calls), span(u.firstSeen, u.lastSeen), u.reason].map(cell).join(" | ")} |`);
    out.push("");
  }
  out.push("## Denied attempts", "");
  if (r.denied.length === 0) out.push("None.", "");
  else {
    out.push("| Environment | Database | Caller | Origin | Permission | Calls | Seen | What the simulator says is missing |", "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const d of r.denied) out.push(`| ${[d.environment, databaseLabel(d.database), d.caller, d.origin, d.permission, String(d.calls), span(d.firstSeen, d.lastSeen), d.missing.join("; ")].map(cell).join(" | ")} |`);
    out.push("");
  }
  return out.join("\n");
}
