import { StackModel, TfResource } from "../analysis/terraform-json";

const sinkBucketCache = new WeakMap<StackModel, readonly TfResource[]>();

/** A log sink's destination, parsed from its `destination` string after resolving references. */
export type SinkDestination =
  | { readonly kind: "storage"; readonly bucket: string }
  | { readonly kind: "bigquery"; readonly project: string; readonly dataset: string }
  | { readonly kind: "pubsub"; readonly project: string; readonly topic: string }
  | { readonly kind: "logging"; readonly project: string; readonly bucket: string }
  | { readonly kind: "other"; readonly target: string };

export function sinkDestination(stack: StackModel, sink: TfResource): SinkDestination {
  const target = typeof sink.config.destination === "string" ? stack.resolve(sink.config.destination) : "";
  let m = /^storage\.googleapis\.com\/(.+)$/.exec(target);
  if (m) return { kind: "storage", bucket: m[1] };
  m = /^bigquery\.googleapis\.com\/projects\/([^/]+)\/datasets\/([^/]+)$/.exec(target);
  if (m) return { kind: "bigquery", project: m[1], dataset: m[2] };
  m = /^pubsub\.googleapis\.com\/projects\/([^/]+)\/topics\/([^/]+)$/.exec(target);
  if (m) return { kind: "pubsub", project: m[1], topic: m[2] };
  m = /^logging\.googleapis\.com\/projects\/([^/]+)\/locations\/[^/]+\/buckets\/([^/]+)$/.exec(target);
  if (m) return { kind: "logging", project: m[1], bucket: m[2] };
  return { kind: "other", target };
}

/** Storage bucket resources by the bucket name Terraform will create. */
export function bucketsByName(stack: StackModel): Map<string, TfResource> {
  const byName = new Map<string, TfResource>();
  for (const b of stack.ofType("google_storage_bucket")) {
    if (typeof b.config.name === "string") byName.set(stack.resolve(b.config.name), b);
  }
  return byName;
}

/** Storage buckets of this stack that some project sink of this stack writes to. */
export function sinkBuckets(stack: StackModel): readonly TfResource[] {
  const cached = sinkBucketCache.get(stack);
  if (cached) return cached;
  const byName = bucketsByName(stack);
  const found = new Set<TfResource>();
  for (const sink of stack.ofType("google_logging_project_sink")) {
    const dest = sinkDestination(stack, sink);
    const bucket = dest.kind === "storage" ? byName.get(dest.bucket) : undefined;
    if (bucket) found.add(bucket);
  }
  const list = [...found].sort((a, b) => (a.address < b.address ? -1 : 1));
  sinkBucketCache.set(stack, list);
  return list;
}
