import { ProjectAuditCoverage, auditCoverage } from "../analysis/audit-coverage";
import { DatabaseCopy, databaseCopies } from "../analysis/export-copies";
import { applyDeployed } from "../analysis/deployed-values";
import { loadSynthOutput } from "../analysis/synth-output";
import { AccessChain, allChains, sortEnvironments } from "./access-chains";
import { EscalationPath, allEscalationPaths } from "./escalation-paths";
import { DeployedEnvironment, deployedMarkdown, deployedSection } from "./deployed-section";
import { DeployedOptions } from "./iam-drift";
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
  /**
   * Reads a cdktf output directory (manifest.json) or one cdk.tf.json file. With states and
   * project numbers, names resolve to what is deployed; with states or live policies, the
   * report gains a "Deployed" section: per environment, what the live policies add to or
   * remove from the declared access.
   */
  public static fromSynthOutput(directory: string, options?: DeployedOptions): AccessReport {
    const stacks = applyDeployed(loadSynthOutput(directory), options);
    const chains = allChains(stacks);
    const deployed = options === undefined ? [] : deployedSection(stacks, options);
    return new AccessReport(chains, auditCoverage(stacks), databaseCopies(stacks), allEscalationPaths(stacks, chains), deployed);
  }

  private constructor(
    public readonly chains: AccessChain[],
    /** Per project: which services log which Data Access types, and where the entries go. */
    public readonly auditCoverage: ProjectAuditCoverage[],
    /** Buckets holding exports of a database (copies of its data), each with who can read it. */
    public readonly copies: DatabaseCopy[],
    /** Identities that reach a database by escalating (deploying code as an account, editing an IAM policy, creating a key), each first step with its bindings. */
    public readonly escalations: EscalationPath[],
    /** What is deployed, per environment, when states or live policies were given; else empty. */
    public readonly deployed: DeployedEnvironment[] = [],
  ) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /**
   * Markdown: per environment a table and a Mermaid diagram, then escalation paths, the copies
   * of the data and the audit coverage per project, and what is deployed when states or
   * policies were given. Given a usage report of the same stacks, the table gains a "Used in
   * the window" column.
   */
  public toMarkdown(usage?: UsageReport): string {
    const deployed = deployedMarkdown(this.deployed);
    return markdown(this.chains, this.auditCoverage, this.copies, this.escalations, usage ? (c) => usedInWindow(usage, c) : undefined) + (deployed ? `\n${deployed}` : "");
  }

  /** JSON for tools: `{ "chains": [...], "escalations": [...], "copies": [...], "auditCoverage": [...] }` (and `"deployed"` when given), deterministic order. */
  public toJson(): string {
    const deployed = this.deployed.length > 0 ? { deployed: this.deployed } : {};
    return JSON.stringify({ chains: this.chains, escalations: this.escalations, copies: this.copies, auditCoverage: this.auditCoverage, ...deployed }, null, 2) + "\n";
  }
}
