import { ProjectAuditCoverage, auditCoverage } from "../analysis/audit-coverage";
import { DatabaseCopy, databaseCopies } from "../analysis/export-copies";
import { applyDeployed } from "../analysis/deployed-values";
import { loadSynthOutput } from "../analysis/synth-output";
import { AccessChain, allChains, sortEnvironments } from "./access-chains";
import { DeployedEnvironment, deployedMarkdown, deployedSection } from "./deployed-section";
import { DeployedOptions } from "./iam-drift";
import { markdown } from "./render";

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
    const deployed = options === undefined ? [] : deployedSection(stacks, options);
    return new AccessReport(allChains(stacks), auditCoverage(stacks), databaseCopies(stacks), deployed);
  }

  private constructor(
    public readonly chains: AccessChain[],
    /** Per project: which services log which Data Access types, and where the entries go. */
    public readonly auditCoverage: ProjectAuditCoverage[],
    /** Buckets holding exports of a database (copies of its data), each with who can read it. */
    public readonly copies: DatabaseCopy[],
    /** What is deployed, per environment, when states or live policies were given; else empty. */
    public readonly deployed: DeployedEnvironment[] = [],
  ) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /** Markdown: per environment a table and a Mermaid diagram, then the copies of the data and the audit coverage per project. */
  public toMarkdown(): string {
    const deployed = deployedMarkdown(this.deployed);
    return markdown(this.chains, this.auditCoverage, this.copies) + (deployed ? `\n${deployed}` : "");
  }

  /** JSON for tools: `{ "chains": [...], "copies": [...], "auditCoverage": [...] }` (and `"deployed"` when given), deterministic order. */
  public toJson(): string {
    const deployed = this.deployed.length > 0 ? { deployed: this.deployed } : {};
    return JSON.stringify({ chains: this.chains, copies: this.copies, auditCoverage: this.auditCoverage, ...deployed }, null, 2) + "\n";
  }
}
