import { IamGrant, iamGrants } from "../../analysis/iam-grants";
import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";
import { SinkDestination, sinkDestination } from "../sinks";
import { StackModel } from "../../analysis/terraform-json";

const WRITER = /\$\{google_logging_project_sink\.([A-Za-z0-9_-]+)\.writer_identity\}/;

/** Last path segment: `projects/P/topics/T` and `T` name the same topic. */
function last(value: unknown, stack: StackModel): string {
  if (typeof value !== "string") return "";
  const resolved = stack.resolve(value);
  return resolved.slice(resolved.lastIndexOf("/") + 1);
}

function grantsDestination(stack: StackModel, g: IamGrant, dest: SinkDestination, sinkProject: string | undefined): boolean {
  const c = g.resource.config;
  switch (dest.kind) {
    case "storage":
      return /^google_storage_bucket_iam_(member|binding)$/.test(g.resource.type) && last(c.bucket, stack) === last(dest.bucket, stack);
    case "bigquery":
      return (
        (/^google_bigquery_dataset_iam_(member|binding)$/.test(g.resource.type) && last(c.dataset_id, stack) === dest.dataset) ||
        (g.level === "project" && stack.projectOf(g.resource) === dest.project)
      );
    case "pubsub":
      return /^google_pubsub_topic_iam_(member|binding)$/.test(g.resource.type) && last(c.topic, stack) === dest.topic;
    case "logging":
      return g.level === "project" && stack.projectOf(g.resource) === dest.project;
    default:
      return sinkProject !== undefined;
  }
}

export const sinkWriterGranted: StackRule = {
  id: "FSI-LOG-002",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Every google_logging_project_sink's writer_identity is granted on its destination.",
  explanation:
    "A sink writes as its own service account; without a grant on the bucket, dataset or topic every entry is dropped " +
    "silently and the audit trail is empty.",
  fix: "Grant the sink's writer_identity on the destination: roles/storage.objectCreator, roles/bigquery.dataEditor, roles/pubsub.publisher, or roles/logging.bucketWriter across projects.",
  evaluate(stack: StackModel): RuleResult[] {
    const bySink = new Map<string, IamGrant[]>();
    for (const g of iamGrants(stack)) {
      for (const m of g.members) {
        const sink = WRITER.exec(m)?.[1];
        if (sink) bySink.set(sink, [...(bySink.get(sink) ?? []), g]);
      }
    }
    return eachResource(stack, stack.ofType("google_logging_project_sink"), (sink) => {
      const dest = sinkDestination(stack, sink);
      const sinkProject = stack.projectOf(sink);
      if (dest.kind === "logging" && sinkProject !== undefined && dest.project === sinkProject) return undefined;
      const grants = bySink.get(sink.name) ?? [];
      if (grants.some((g) => grantsDestination(stack, g, dest, sinkProject))) return undefined;
      const target = dest.kind === "other" ? dest.target : `${dest.kind} destination`;
      return `writer_identity has no grant on its ${target}${grants.length > 0 ? " (it is granted elsewhere)" : ""}`;
    });
  },
};
