import { applyDeployed } from "../analysis/deployed-values";
import { sarifLog } from "../core/sarif";
import { loadSynthOutput } from "../analysis/synth-output";
import { StackModel } from "../analysis/terraform-json";
import { DeployedOptions, DriftInputError, DriftSummary, IamDriftFinding, IamDriftKind, compareIam, factsOf, livePolicies } from "./iam-drift";

export { DeployedOptions, IamDriftFinding, IamDriftKind } from "./iam-drift";

/** What each kind means, for SARIF rules and the text output. */
const KIND_TEXT: Record<IamDriftKind, string> = {
  [IamDriftKind.EXTRA_MEMBER]: "A live member holds a role that reaches Firestore data, acts as service accounts, administers pools or providers or changes IAM policy, and no declared resource grants it.",
  [IamDriftKind.MISSING_BINDING]: "A binding the code declares is not in the live policy.",
  [IamDriftKind.CONDITION_CHANGED]: "The member holds the declared role under another condition, or none.",
  [IamDriftKind.AUDIT_CONFIG_CHANGED]: "The live audit configuration lacks a declared log type, or exempts a member the code does not.",
};

/**
 * What the live IAM policies say that the code does not, and the other way round: members
 * added by hand in the console (`google_project_iam_member` is non-authoritative, so
 * Terraform never notices them), bindings removed, conditions changed, audit logging
 * exemptions. Roles are judged by their permissions, so a custom role counts whatever its
 * name; bindings on roles that reach nothing this library guards are not findings.
 */
export class IamDriftReport {
  /**
   * Compares the live policies (or an asset export) with a cdktf output directory (or one
   * cdk.tf.json file); states and project numbers resolve what the code leaves to apply.
   */
  public static fromSynthOutput(directory: string, options: DeployedOptions): IamDriftReport {
    return IamDriftReport._fromStacks(loadSynthOutput(directory), options, (resource) => `policies[${JSON.stringify(resource)}]`);
  }

  /** @internal */
  public static _fromStacks(loaded: readonly StackModel[], options: DeployedOptions, sourceOf: (resource: string) => string): IamDriftReport {
    if (typeof options !== "object" || options === null) throw new DriftInputError("IamDriftReport: options must be { policies, assets?, states? }");
    const stacks = applyDeployed(loaded, options);
    const live = livePolicies(options, factsOf(stacks), sourceOf);
    if (live.size === 0) throw new DriftInputError("IamDriftReport: no live policy given: pass policies (RESOURCE -> gcloud ... get-iam-policy --format=json) or an asset export");
    const { findings, summary } = compareIam(stacks, live);
    return new IamDriftReport(findings, summary, new Map(stacks.map((s) => [s.name, s.file])));
  }

  private constructor(
    /** Every difference, sorted by resource, kind, role and member. */
    public readonly findings: IamDriftFinding[],
    private readonly compared: DriftSummary,
    private readonly stackFiles: ReadonlyMap<string, string>,
  ) {}

  /** The live policies compared (`projects/P`, `serviceAccounts/E`, `buckets/B`). */
  public get resources(): string[] {
    return this.compared.resources;
  }

  /** What was compared and what was left out on purpose, in a few sentences. */
  public get summary(): string {
    const s = this.compared;
    const lines = [
      `${this.findings.length === 0 ? "No drift" : `${this.findings.length} difference(s)`} in ${s.resources.length} live polic${s.resources.length === 1 ? "y" : "ies"} (${s.resources.join(", ")}).`,
      `Bindings on roles that reach no Firestore data, act as no service account, administer no pool or provider and change no IAM policy are not findings (the project has other owners): ${s.outsideGuardedRoles} such member binding(s).`,
    ];
    if (s.googleManaged > 0) lines.push(`${s.googleManaged} binding(s) of Google's service agents and bucket convenience members (projectOwner:, projectEditor:, projectViewer:) not judged: Google manages them.`);
    if (s.deleted > 0) lines.push(`${s.deleted} member(s) of deleted principals not judged: they grant nothing.`);
    if (s.notChecked.length > 0) {
      const shown = s.notChecked.slice(0, 5).join(", ") + (s.notChecked.length > 5 ? ` and ${s.notChecked.length - 5} more` : "");
      lines.push(`Not checked, no live policy given: ${shown}.`);
    }
    return lines.join("\n");
  }

  /** One finding a paragraph, then the summary. */
  public toText(): string {
    const lines: string[] = [];
    for (const f of this.findings) {
      lines.push(`${f.kind.padEnd(20)} ${f.resource}  ${f.role}${f.member ? `  ${f.member}` : ""}`);
      lines.push(`                     ${f.message}`);
    }
    if (lines.length > 0) lines.push("");
    lines.push(this.summary);
    return lines.join("\n") + "\n";
  }

  /** `{ findings, summary, resources }` for tools. */
  public toJson(): string {
    return JSON.stringify({ findings: this.findings, summary: this.summary, resources: this.resources }, null, 2) + "\n";
  }

  /**
   * SARIF 2.1.0 for code scanning: a finding with a declared address points at its stack's
   * cdk.tf.json under `outputDirectory` (as the repository root sees it, e.g. `cdktf.out`);
   * one without (a member added by hand) names the resource only.
   */
  public toSarif(outputDirectory?: string): string {
    const fileOf = (stack: string) => {
      const file = this.stackFiles.get(stack) ?? `stacks/${stack}/cdk.tf.json`;
      return outputDirectory ? `${outputDirectory.replace(/\/+$/, "")}/${file}` : file;
    };
    return sarifLog(
      "cdktf-firestore-identity drift",
      Object.values(IamDriftKind).map((k) => ({ id: k, shortDescription: { text: KIND_TEXT[k] }, defaultConfiguration: { level: "error" } })),
      this.findings.map((f) => ({
        ruleId: f.kind,
        level: "error",
        message: { text: f.message },
        locations: [
          {
            ...(f.declaredStack ? { physicalLocation: { artifactLocation: { uri: fileOf(f.declaredStack) } } } : {}),
            logicalLocations: [{ fullyQualifiedName: f.declaredAddress ?? f.resource, kind: "resource" }],
          },
        ],
      })),
    );
  }
}
