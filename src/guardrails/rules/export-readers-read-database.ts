import { AccessDecision, AccessSimulator } from "../../analysis/access-simulator";
import { databaseCopies } from "../../analysis/export-copies";
import { IamModel } from "../../analysis/iam-model";
import { parseMember } from "../../analysis/members";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { AppRule, GuardrailLevel, RuleResult, compliant, nonCompliant, notApplicable } from "../rule";

/** The Firestore service agent runs the export and import jobs: it is the writer, not a reader of the data. */
const FIRESTORE_SERVICE_AGENT = /^serviceAccount:service-[^@]+@gcp-sa-firestore\.iam\.gserviceaccount\.com$/;
const READ_DOCUMENTS = "datastore.entities.get";

/**
 * Export buckets usually live in a platform stack while readers may be granted anywhere, and
 * whether a reader can read the database depends on every stack's grants, so this rule
 * reads the whole app and asks the access simulator.
 */
export const exportReadersReadDatabase: AppRule = {
  id: "FSI-EXP-002",
  scope: "app",
  level: GuardrailLevel.WARNING,
  description: "Every user, group or service account that can read a database's export bucket can also read that database (datastore.entities.get).",
  explanation:
    "Reading an export is reading the database as of that export, without the database's IAM condition and without a " +
    "Firestore Data Access log entry. A reader of the bucket who may not read the database is a way around its grants. " +
    "The access simulator decides whether the member can read the database; federated members, and members whose " +
    "answer cannot be decided offline, are not judged.",
  fix: "Grant the bucket only to principals that hold read access on the database (FirestoreDatabase.grantRead), or remove the bucket grant.",
  evaluate(stacks: readonly StackModel[]): RuleResult[] {
    const copies = databaseCopies(stacks);
    const simulator = AccessSimulator._fromModel(IamModel.of(stacks));
    const byStack = new Map(stacks.map((s) => [s.name, s]));
    const verdicts = new Map<TfResource, { stack: StackModel; problems: string[] }>();
    for (const copy of copies) {
      for (const reader of copy.readers) {
        const stack = byStack.get(reader.stack)!;
        const resource = stack.byAddress(reader.address)!;
        const entry = verdicts.get(resource) ?? { stack, problems: [] };
        verdicts.set(resource, entry);
        const m = parseMember(reader.member);
        if (m.kind !== "google" || m.type === "domain" || FIRESTORE_SERVICE_AGENT.test(reader.member) || reader.member.includes("${")) continue;
        const answer = simulator.explain({ member: reader.member, groups: [], database: copy.database, permission: READ_DOCUMENTS });
        if (answer.decision === AccessDecision.DENIED) {
          entry.problems.push(`${reader.member} can read the exports of ${copy.database} in ${copy.location} (${reader.role}) but not the database itself`);
        }
      }
    }
    const results: RuleResult[] = [];
    for (const stack of stacks) {
      const mine = [...verdicts].filter(([, v]) => v.stack === stack);
      if (mine.length === 0) results.push(notApplicable(stack));
      for (const [resource, v] of mine) results.push(v.problems.length === 0 ? compliant(stack, resource) : nonCompliant(stack, resource, v.problems.join("; ")));
    }
    return results;
  },
};
