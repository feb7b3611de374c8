import type * as AuditCoverageModule from "../analysis/audit-coverage";
import type { ProjectAuditCoverage } from "../analysis/audit-coverage";
import type * as ExportCopiesModule from "../analysis/export-copies";
import type { DatabaseCopy } from "../analysis/export-copies";
import { loadSynthOutput } from "../analysis/synth-output";
import { AccessChain, allChains, sortEnvironments } from "./access-chains";
import type * as RenderModule from "./render";
import type * as TokenAudiencesModule from "./token-audiences";
import type { ProviderAudience } from "./token-audiences";

/*
 * What only a report needs (audit coverage, copies, audiences, Markdown) loads when a report
 * is made: the library is loaded by every synth, and under tsx each module costs 1-2 ms.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const auditCoverageModule = (): typeof AuditCoverageModule => require("../analysis/audit-coverage");
const exportCopiesModule = (): typeof ExportCopiesModule => require("../analysis/export-copies");
const renderModule = (): typeof RenderModule => require("./render");
const tokenAudiencesModule = (): typeof TokenAudiencesModule => require("./token-audiences");
/* eslint-enable @typescript-eslint/no-require-imports */

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
    return new AccessReport(allChains(stacks), auditCoverageModule().auditCoverage(stacks), exportCopiesModule().databaseCopies(stacks), tokenAudiencesModule().tokenAudiences(stacks));
  }

  private constructor(
    public readonly chains: AccessChain[],
    /** Per project: which services log which Data Access types, and where the entries go. */
    public readonly auditCoverage: ProjectAuditCoverage[],
    /** Buckets holding exports of a database (copies of its data), each with who can read it. */
    public readonly copies: DatabaseCopy[],
    /** The audience each provider's tokens must carry (the provider id decides it, not the construct id). */
    private readonly audiences: ProviderAudience[] = [],
  ) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /** Markdown: per environment a table and a Mermaid diagram, then the copies of the data, the audit coverage per project and the audience each provider's tokens need. */
  public toMarkdown(): string {
    const audiences = tokenAudiencesModule().audiencesMarkdown(this.audiences);
    return `${renderModule().markdown(this.chains, this.auditCoverage, this.copies)}${audiences.map((line) => `${line}\n`).join("")}`;
  }

  /** JSON for tools: `{ "chains": [...], "copies": [...], "auditCoverage": [...] }`, deterministic order. */
  public toJson(): string {
    return JSON.stringify({ chains: this.chains, copies: this.copies, auditCoverage: this.auditCoverage }, null, 2) + "\n";
  }
}
