/**
 * Labels that mark a Cloud Storage bucket as holding exports of one Firestore database, so
 * the report and the guardrails treat it as a copy of that database. Written by
 * FirestoreExportBucket, read by the analysis of any synthesized stack. Label values allow
 * only [a-z0-9_-], so `(default)` is written as `_default_` (no database id starts with `_`).
 */
export const EXPORT_PROJECT_LABEL = "firestore-export-project";
export const EXPORT_DATABASE_LABEL = "firestore-export-database";

const DEFAULT_DATABASE = "(default)";
const DEFAULT_DATABASE_LABEL = "_default_";

export function databaseLabelValue(databaseId: string): string {
  return databaseId === DEFAULT_DATABASE ? DEFAULT_DATABASE_LABEL : databaseId;
}

export function databaseIdOfLabel(value: string): string {
  return value === DEFAULT_DATABASE_LABEL ? DEFAULT_DATABASE : value;
}
