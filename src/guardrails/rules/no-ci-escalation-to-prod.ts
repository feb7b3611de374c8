import { AccessDecision, AccessSimulator, AccessStepKind } from "../../analysis/access-simulator";
import { capabilitiesOf } from "../../analysis/capabilities";
import { findEscalations, memberActor } from "../../analysis/escalations";
import { IamModel } from "../../analysis/iam-model";
import { ACCESS_LEVEL_PERMISSIONS } from "../../analysis/role-permissions";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { BUILDKITE_ISSUER, GITHUB_ACTIONS_ISSUER } from "../../core/issuers";
import { FirestoreAccessLevel } from "../../gcp/firestore-access";
import { isProduction } from "../environment";
import { AppRule, GuardrailLevel, RuleResult, compliant, nonCompliant, notApplicable } from "../rule";

/** What reaching a database means here: reading, writing, exporting or importing its documents. */
const DATA_PERMISSIONS = [...new Set([...ACCESS_LEVEL_PERMISSIONS[FirestoreAccessLevel.READ_WRITE], ...ACCESS_LEVEL_PERMISSIONS[FirestoreAccessLevel.IMPORT_EXPORT]])];

function isCiIssuer(issuer: string): boolean {
  return issuer === BUILDKITE_ISSUER || issuer === GITHUB_ACTIONS_ISSUER || issuer.startsWith(`${GITHUB_ACTIONS_ISSUER}/`);
}

/** `projects/P/databases/D` of each Firestore database a prod stack (or a database labelled prod) declares. */
function prodDatabases(stacks: readonly StackModel[]): string[] {
  const out = new Set<string>();
  for (const stack of stacks) {
    for (const db of stack.ofType("google_firestore_database")) {
      if (!isProduction(stack, db.config.labels)) continue;
      const project = stack.projectOf(db);
      const name = typeof db.config.name === "string" ? stack.resolve(db.config.name) : "";
      if (project && !project.includes("${") && name !== "" && !name.includes("${")) out.add(`projects/${project}/databases/${name}`);
    }
  }
  return [...out].sort();
}

/**
 * Escalation paths cross stacks (a deploy role in one, actAs in another, the database grant
 * in a third), so this rule reads the whole app and asks the escalation search, starting
 * from every federated member of a Buildkite or GitHub Actions pool that a binding names,
 * through every account it can become.
 */
export const noCiEscalationToProd: AppRule = {
  id: "FSI-IAM-005",
  scope: "app",
  level: GuardrailLevel.WARNING,
  description:
    "No CI identity (a federated member of a Buildkite or GitHub Actions pool, or an account it can become) has an escalation path to a prod Firestore database's documents: deploying code as an account it may actAs, editing an IAM policy, or creating a key.",
  explanation:
    "An identity that may deploy Cloud Run, Cloud Functions, Cloud Build or Compute Engine code as an account, create pods in a " +
    "GKE project, edit a project's or account's IAM policy, or create an account key, can do whatever that account or policy " +
    "can. A pipeline that cannot write prod documents directly, but can deploy a revision running as the account that can, " +
    "writes them too; a compromised workflow or a pull request that reaches it does so without any Firestore grant of its own.",
  fix:
    "Give the CI identity actAs only on accounts that hold no prod database grant, deploy prod from a separate, reviewed " +
    "identity, or suppress the finding on the binding with the reason when deploying that service is the pipeline's job.",
  evaluate(stacks: readonly StackModel[]): RuleResult[] {
    const model = IamModel.of(stacks);
    const ciPools = new Set(model.providers.filter((p) => isCiIssuer(p.issuer)).map((p) => p.pool.poolId));
    const databases = prodDatabases(stacks);
    const ciMembers = new Set<string>();
    const ciBindings = new Set<TfResource>();
    if (ciPools.size > 0 && databases.length > 0) {
      for (const g of model.grants) {
        for (const m of g.parsedMembers) {
          if (m.kind !== "federated" || !ciPools.has(m.pool.poolId)) continue;
          ciMembers.add(m.raw);
          ciBindings.add(g.resource);
        }
      }
    }
    if (ciMembers.size === 0) return stacks.map(notApplicable);
    const context = AccessSimulator._fromModel(model)._escalationContext(new Date());
    const problems = new Map<TfResource, { stack: StackModel; messages: string[] }>();
    for (const member of [...ciMembers].sort()) {
      const actors = context.become(memberActor(member));
      for (const database of databases) {
        // Escalations first: the direct answer (which evaluates the database grants' conditions) is needed only to discount them.
        const found = findEscalations(context, actors, database, DATA_PERMISSIONS);
        if (found.length === 0) continue;
        const direct = new Set(DATA_PERMISSIONS.filter((p) => actors.some((a) => context.reach(a, database, p).some((c) => c.decision === AccessDecision.ALLOWED))));
        const escalations = found.map((e) => ({ ...e, permissions: e.permissions.filter((p) => !direct.has(p)) })).filter((e) => e.permissions.length > 0);
        for (const e of escalations) {
          const first = e.steps.find((s) => s.kind === AccessStepKind.ESCALATION)!;
          const stack = stacks.find((s) => s.name === first.stack)!;
          const resource = stack.byAddress(first.address!)!;
          const entry = problems.get(resource) ?? { stack, messages: [] };
          problems.set(resource, entry);
          const how = e.steps.filter((s) => s.kind === AccessStepKind.ESCALATION).map((s) => `${s.stack}: ${s.address}`);
          entry.messages.push(
            `${member} ${e.decision === AccessDecision.ALLOWED ? "can" : "may"} ${capabilitiesOf(e.permissions).join(", ")} in ${database}: it ${e.summary} (${how.join(", ")})` +
              (e.unknowns.length > 0 ? ` [not decided offline: ${e.unknowns.join("; ")}]` : ""),
          );
        }
      }
    }
    const results: RuleResult[] = [];
    for (const stack of stacks) {
      const mine = new Set([...ciBindings, ...problems.keys()].filter((r) => stack.byAddress(r.address) === r));
      if (mine.size === 0) results.push(notApplicable(stack));
      for (const r of mine) {
        const found = problems.get(r);
        results.push(found ? nonCompliant(stack, r, [...new Set(found.messages)].join("; ")) : compliant(stack, r));
      }
    }
    return results;
  },
};
