import type * as AuditCoverageModule from "../analysis/audit-coverage";
import type { ProjectAuditCoverage } from "../analysis/audit-coverage";
import type * as DeployedValuesModule from "../analysis/deployed-values";
import type * as ExportCopiesModule from "../analysis/export-copies";
import type { DatabaseCopy } from "../analysis/export-copies";
import { loadSynthOutput } from "../analysis/synth-output";
import { AccessChain, allChains, sortEnvironments } from "./access-chains";
import type * as DeployedSectionModule from "./deployed-section";
import type { DeployedEnvironment } from "./deployed-section";
import type * as EscalationPathsModule from "./escalation-paths";
import type { EscalationPath } from "./escalation-paths";
import type { DeployedOptions } from "./iam-drift";
import type * as RenderModule from "./render";
import type * as TokenAudiencesModule from "./token-audiences";
import type { ProviderAudience } from "./token-audiences";
import type * as UsageInAccessReportModule from "./usage-in-access-report";
import type { UsageReport } from "./usage-report";

/*
 * What only a report needs (audit coverage, copies, escalations, what is deployed, audiences,
 * Markdown) loads when a report is made: the library is loaded by every synth, and under tsx
 * each module costs 1-2 ms.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const auditCoverageModule = (): typeof AuditCoverageModule => require("../analysis/audit-coverage");
const deployedValuesModule = (): typeof DeployedValuesModule => require("../analysis/deployed-values");
const exportCopiesModule = (): typeof ExportCopiesModule => require("../analysis/export-copies");
const deployedSectionModule = (): typeof DeployedSectionModule => require("./deployed-section");
const escalationPathsModule = (): typeof EscalationPathsModule => require("./escalation-paths");
const renderModule = (): typeof RenderModule => require("./render");
const tokenAudiencesModule = (): typeof TokenAudiencesModule => require("./token-audiences");
const usageInAccessReportModule = (): typeof UsageInAccessReportModule => require("./usage-in-access-report");
/* eslint-enable @typescript-eslint/no-require-imports */

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
    const stacks = deployedValuesModule().applyDeployed(loadSynthOutput(directory), options);
    const chains = allChains(stacks);
    const deployed = options === undefined ? [] : deployedSectionModule().deployedSection(stacks, options);
    return new AccessReport(
      chains,
      auditCoverageModule().auditCoverage(stacks),
      exportCopiesModule().databaseCopies(stacks),
      escalationPathsModule().allEscalationPaths(stacks, chains),
      deployed,
      tokenAudiencesModule().tokenAudiences(stacks),
    );
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
    /** The audience each provider's tokens must carry (the provider id decides it, not the construct id). */
    private readonly audiences: ProviderAudience[] = [],
  ) {}

  /** Environments with at least one chain, in deployment order. */
  public get environments(): string[] {
    return sortEnvironments(this.chains.map((c) => c.environment));
  }

  /**
   * Markdown: per environment a table and a Mermaid diagram, then escalation paths, the copies
   * of the data, the audit coverage per project, the audience each provider's tokens need, and
   * what is deployed when states or policies were given. Given a usage report of the same
   * stacks, the table gains a "Used in the window" column.
   */
  public toMarkdown(usage?: UsageReport): string {
    const column = usage ? (c: AccessChain) => usageInAccessReportModule().usedInWindow(usage, c) : undefined;
    const audiences = tokenAudiencesModule().audiencesMarkdown(this.audiences);
    const deployed = deployedSectionModule().deployedMarkdown(this.deployed);
    return `${renderModule().markdown(this.chains, this.auditCoverage, this.copies, this.escalations, column)}${audiences.map((line) => `${line}\n`).join("")}${deployed ? `\n${deployed}` : ""}`;
  }

  /** JSON for tools: `{ "chains": [...], "escalations": [...], "copies": [...], "auditCoverage": [...] }` (and `"deployed"` when given), deterministic order. */
  public toJson(): string {
    const deployed = this.deployed.length > 0 ? { deployed: this.deployed } : {};
    return JSON.stringify({ chains: this.chains, escalations: this.escalations, copies: this.copies, auditCoverage: this.auditCoverage, ...deployed }, null, 2) + "\n";
  }
}
