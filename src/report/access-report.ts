import { ProjectAuditCoverage, auditCoverage } from "../analysis/audit-coverage";
import { DatabaseCopy, databaseCopies } from "../analysis/export-copies";
import { SimulatorOptions, applyDeployed } from "../analysis/deployed-values";
import { loadSynthOutput } from "../analysis/synth-output";
import { AccessChain, allChains, sortEnvironments } from "./access-chains";
import { markdown } from "./render";

/**
 * Who can reach which Firestore database, read from synthesized Terraform JSON: external
 * identity -> how it gets in (federation, impersonation, GKE) -> service account ->
 * database -> role, grouped by environment (stack-name suffix -dev/-staging/-prod, else
 * an env label on the google provider). References between resources of a stack
 * (`${google_service_account.x.email}`) are resolved into readable names.
 */
export class AccessReport {
  /** Reads a cdktf output directory (manifest.json) or one cdk.tf.json file; with states and project numbers, names resolve to what is deployed. */
  public static fromSynthOutput(directory: string, options?: SimulatorOptions): AccessReport {
    const stacks = applyDeployed(loadSynthOutput(directory), options);
    return new AccessReport(allChains(stacks), auditCoverage(stacks), databaseCopies(stacks));
  }

  private constructor(
    public readonly chains: AccessChain[],
    /** Per project: which services log which Data Access types, and where the entries go. */
    public readonly auditCoverage: ProjectAuditCoverage[],
    /** Buckets holding exports of a database (copies of its data), each with who can read it. */
    public readonly copies: DatabaseCopy[],
  ) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /** Markdown: per environment a table and a Mermaid diagram, then the copies of the data and the audit coverage per project. */
  public toMarkdown(): string {
    return markdown(this.chains, this.auditCoverage, this.copies);
  }

  /** JSON for tools: `{ "chains": [...], "copies": [...], "auditCoverage": [...] }`, deterministic order. */
  public toJson(): string {
    return JSON.stringify({ chains: this.chains, copies: this.copies, auditCoverage: this.auditCoverage }, null, 2) + "\n";
  }
}
