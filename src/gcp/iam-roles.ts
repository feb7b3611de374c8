/** Non-Firestore IAM roles this library grants, written once. */
export const IAM_ROLES = {
  workloadIdentityUser: "roles/iam.workloadIdentityUser",
  /** What a log sink's writer identity needs on each kind of destination. */
  bigQueryDataEditor: "roles/bigquery.dataEditor",
  storageObjectCreator: "roles/storage.objectCreator",
  pubSubPublisher: "roles/pubsub.publisher",
  logBucketWriter: "roles/logging.bucketWriter",
} as const;
