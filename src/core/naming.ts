import { createHash } from "crypto";

/** Deterministic naming helpers: same input, same output, on every machine. */

export function shortHash(input: string, length = 8): string {
  return createHash("sha256").update(input).digest("hex").slice(0, length);
}

/**
 * A construct-id-safe slug. Token markers ("${TfToken[...]}") are dropped rather than
 * kept, because their numbering depends on construction order; callers that may see
 * tokens add a hash of a stable key instead.
 */
export function slug(input: string, maxLength = 48): string {
  const cleaned = input
    .replace(/\$\{[^}]*\}/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned.slice(0, maxLength).replace(/-+$/, "") || "x";
}

/**
 * RFC 4122 version-5 UUID (SHA-1 of namespace + name). Used for Entra app-role and scope
 * ids so they never churn between synths or machines.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`uuidV5: namespace ${JSON.stringify(namespace)} is not a UUID`);
  const hash = createHash("sha1").update(ns).update(Buffer.from(name, "utf8")).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Token markers are numbered in construction order, so they must never feed an id. */
const TOKEN_MARKER = /\$\{Token\[[^\]]*\]\}|\$\{TfToken\[[^\]]*\]\}|#\{TfToken\[[^\]]*\]\}|-1\.8881545897087\d+e\+289/g;

export function withoutTokens(input: string): string {
  return input.replace(TOKEN_MARKER, "<token>");
}

/**
 * Allocates construct ids for bindings that must stay put when unrelated code changes
 * order: `<prefix>-<readable name>-<hash of the readable name>`, with a numeric suffix
 * only if two different members share a readable name.
 */
export class StableIds {
  private readonly owners = new Map<string, string>();

  public allocate(prefix: string, readableName: string, uniqueKey: string): string {
    const base = `${prefix}-${slug(readableName)}-${shortHash(withoutTokens(`${prefix}|${readableName}`))}`;
    for (let n = 1; ; n++) {
      const id = n === 1 ? base : `${base}-${n}`;
      const owner = this.owners.get(id);
      if (owner === undefined) {
        this.owners.set(id, uniqueKey);
        return id;
      }
      if (owner === uniqueKey) return id;
    }
  }
}
