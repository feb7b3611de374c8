import { ProjectAuditCoverage, auditCoverage } from "../analysis/audit-coverage";
import { DatabaseCopy, databaseCopies } from "../analysis/export-copies";
import { loadSynthOutput } from "../analysis/synth-output";
import { AccessChain, allChains, sortEnvironments } from "./access-chains";
import { EscalationPath, allEscalationPaths } from "./escalation-paths";
import { markdown } from "./render";
import { usedInWindow } from "./usage-in-access-report";
import { UsageReport } from "./usage-report";

/**
 * Who can reach which Firestore database, read from synthesized Terraform JSON: external
 * identity -> how it gets in (federation, impersonation, GKE) -> service account ->
 * database -> role, grouped by environment (stack-name suffix -dev/-staging/-prod, else
 * an env label on the google provider). References between resources of a stack
 * (`${google_service_account.x.email}`) are resolved into readable names.
 */
export class AccessReport {
  /** Reads a cdktf output directory (manifest.json) or one cdk.tf.json file. */
  public static fromSynthOutput(directory: string): AccessReport {
    const stacks = loadSynthOutput(directory);
    const chains = allChains(stacks);
    return new AccessReport(chains, auditCoverage(stacks), databaseCopies(stacks), allEscalationPaths(stacks, chains));
  }

  private constructor(
    public readonly chains: AccessChain[],
    /** Per project: which services log which Data Access types, and where the entries go. */
    public readonly auditCoverage: ProjectAuditCoverage[],
    /** Buckets holding exports of a database (copies of its data), each with who can read it. */
    public readonly copies: DatabaseCopy[],
    /** Identities that reach a database by escalating (deploying code as an account, editing an IAM policy, creating a key), each first step with its bindings. */
    public readonly escalations: EscalationPath[],
  ) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /**
   * Markdown: per environment a table and a Mermaid diagram, then escalation paths, the copies
   * of the data and the audit coverage per project. Given a usage report of the same stacks, the
   * table gains a "Used in the window" column.
   */
  public toMarkdown(usage?: UsageReport): string {
    return markdown(this.chains, this.auditCoverage, this.copies, this.escalations, usage ? (c) => usedInWindow(usage, c) : undefined);
  }

  /** JSON for tools: `{ "chains": [...], "escalations": [...], "copies": [...], "auditCoverage": [...] }`, deterministic order. */
  public toJson(): string {
    return JSON.stringify({ chains: this.chains, escalations: this.escalations, copies: this.copies, auditCoverage: this.auditCoverage }, null, 2) + "\n";
  }
}
