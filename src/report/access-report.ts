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
  /** Reads a cdktf output directory (manifest.json) or one cdk.tf.json file. */
  public static fromSynthOutput(directory: string): AccessReport {
    return new AccessReport(allChains(loadSynthOutput(directory)));
  }

  private constructor(public readonly chains: AccessChain[]) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /** Markdown: per environment a table and a Mermaid diagram. */
  public toMarkdown(): string {
    return markdown(this.chains);
  }

  /** JSON for tools: `{ "chains": [...] }`, deterministic order. */
  public toJson(): string {
    return JSON.stringify({ chains: this.chains }, null, 2) + "\n";
  }
}
