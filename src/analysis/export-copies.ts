import { EXPORT_DATABASE_LABEL, EXPORT_PROJECT_LABEL, databaseIdOfLabel } from "../core/export-labels";
import { IamModel } from "./iam-model";
import { StackModel, TfResource, isLiteral } from "./terraform-json";

/** Reading an export file needs this permission on the bucket (or its project). */
export const READ_OBJECTS = "storage.objects.get";

/** One principal that can read a bucket's objects, and the grant that lets it. */
export interface CopyReader {
  readonly member: string;
  readonly role: string;
  /** `bucket` for a grant on the bucket, `project` for one on the bucket's project. */
  readonly grantedOn: string;
  /** The IAM condition, when the grant has one; its effect on objects is not evaluated. */
  readonly condition?: string;
  /** True when the role's permissions are not known here (a custom role declared elsewhere). */
  readonly uncertain: boolean;
  readonly stack: string;
  readonly address: string;
}

/** A bucket that holds exports of one database: a copy of its data, and who can read it. */
export interface DatabaseCopy {
  /** `gs://BUCKET`. */
  readonly location: string;
  readonly bucket: string;
  /** `projects/P/databases/D`. */
  readonly database: string;
  readonly stack: string;
  readonly address: string;
  readonly readers: CopyReader[];
}

/** The export buckets of a stack: buckets labelled by FirestoreExportBucket (or by hand) with the database they hold. */
export function exportBuckets(stack: StackModel): Array<{ resource: TfResource; bucket: string; database: string }> {
  const out: Array<{ resource: TfResource; bucket: string; database: string }> = [];
  for (const resource of stack.ofType("google_storage_bucket")) {
    const labels = resource.config.labels ?? {};
    const project = labels[EXPORT_PROJECT_LABEL];
    const database = labels[EXPORT_DATABASE_LABEL];
    if (typeof project !== "string" || typeof database !== "string") continue;
    const bucket = typeof resource.config.name === "string" ? stack.resolve(resource.config.name) : resource.address;
    out.push({ resource, bucket, database: `projects/${stack.resolve(project)}/databases/${databaseIdOfLabel(stack.resolve(database))}` });
  }
  return out;
}

/**
 * Every export bucket of the stacks with the principals whose roles hold storage.objects.get
 * on it: grants on the bucket itself (matched by name, in any stack) and grants on the
 * bucket's project. Folder and organization grants are not listed: where the project sits
 * is not in the configuration.
 */
export function databaseCopies(stacks: readonly StackModel[]): DatabaseCopy[] {
  const model = IamModel.of(stacks);
  const copies: DatabaseCopy[] = [];
  for (const stack of stacks) {
    for (const { resource, bucket, database } of exportBuckets(stack)) {
      const project = stack.projectOf(resource);
      const readers: CopyReader[] = [];
      for (const g of model.grants) {
        const onBucket = g.level === "storage_bucket" && (g.target === bucket || g.target === `b/${bucket}`) && (g.stack === stack || isLiteral(g.resource.config.bucket));
        const onProject = g.level === "project" && project !== undefined && g.target === project;
        if (!onBucket && !onProject) continue;
        const permissions = model.permissionsOf(g.role);
        if (permissions !== undefined && !permissions.has(READ_OBJECTS)) continue;
        for (const member of g.members) {
          readers.push({
            member,
            role: g.role,
            grantedOn: onBucket ? "bucket" : "project",
            condition: g.condition,
            uncertain: permissions === undefined,
            stack: g.stack.name,
            address: g.resource.address,
          });
        }
      }
      readers.sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
      copies.push({ location: `gs://${bucket}`, bucket, database, stack: stack.name, address: resource.address, readers });
    }
  }
  return copies.sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
}
