import { AccessChain, sortEnvironments } from "./access-chains";

function cell(value: string): string {
  return value === "" ? "-" : value.replace(/\|/g, "\\|");
}

function label(value: string): string {
  return `"${value.replace(/"/g, "#quot;")}"`;
}

/** Short database label: `PROJECT/DATABASE`. */
export function databaseLabel(database: string): string {
  const m = /^projects\/([^/]+)\/databases\/(.+)$/.exec(database);
  return m ? `${m[1]}/${m[2]}` : database;
}

function identityLabel(c: AccessChain): string {
  return c.issuer ? `${c.issuer}: ${c.identity}` : c.identity;
}

/** A Mermaid flowchart of the chains: identity -> service account -> database, edges labelled with path and role. */
export function mermaid(chains: readonly AccessChain[]): string {
  const ids = new Map<string, string>();
  const lines = ["flowchart LR"];
  const node = (key: string, text: string, shape: "box" | "round" | "db") => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size + 1}`;
      ids.set(key, id);
      const l = label(text);
      lines.push(`  ${id}${shape === "db" ? `[(${l})]` : shape === "round" ? `(${l})` : `[${l}]`}`);
    }
    return id;
  };
  const edges = new Set<string>();
  const edge = (from: string, text: string, to: string) => {
    const e = `  ${from} -->|${label(text)}| ${to}`;
    if (!edges.has(e)) {
      edges.add(e);
      lines.push(e);
    }
  };
  for (const c of chains) {
    const who = node(`id:${identityLabel(c)}`, identityLabel(c), "round");
    const db = node(`db:${c.database}`, databaseLabel(c.database), "db");
    if (c.serviceAccount && c.serviceAccount !== c.identity.replace(/^serviceAccount:/, "")) {
      const sa = node(`sa:${c.serviceAccount}`, c.serviceAccount, "box");
      edge(who, c.accessPath, sa);
      edge(sa, c.role, db);
    } else {
      edge(who, `${c.accessPath}: ${c.role}`, db);
    }
  }
  return lines.join("\n");
}

/** Per environment: a Markdown table of the chains and the same chains as a Mermaid diagram. */
export function markdown(chains: readonly AccessChain[]): string {
  const out = ["# Firestore access report", ""];
  const envs = sortEnvironments(chains.map((c) => c.environment));
  if (envs.length === 0) out.push("No Firestore grants found.", "");
  for (const env of envs) {
    const rows = chains.filter((c) => c.environment === env);
    out.push(`## ${env}`, "");
    out.push("| External identity | Issuer | How it gets in | Service account | Firestore database | Role | What it can do | Stack |");
    out.push("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const c of rows) {
      out.push(`| ${[c.identity, c.issuer, c.accessPath, c.serviceAccount, databaseLabel(c.database), c.role, c.canDo, c.stack].map(cell).join(" | ")} |`);
    }
    out.push("", "```mermaid", mermaid(rows), "```", "");
  }
  return out.join("\n");
}
