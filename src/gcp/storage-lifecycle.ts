import type { StorageBucketLifecycleRule } from "@cdktf/provider-google/lib/storage-bucket";
import { InputSite, checkShape, check, inputError, oneOf } from "../core/validate";

/** Moves objects to a colder storage class once they are old enough (a SetStorageClass lifecycle rule). */
export interface StorageClassTransition {
  /** Age in days, counted from each object's creation. */
  readonly ageDays: number;
  /** NEARLINE, COLDLINE or ARCHIVE. */
  readonly storageClass: string;
}

/** Storage classes a lifecycle rule can move objects to, coldest last (Cloud Storage "Storage classes" page). */
const COLDER_CLASSES = ["NEARLINE", "COLDLINE", "ARCHIVE"] as const;

/**
 * A lifecycle condition's age is an int32 in the Cloud Storage JSON API (buckets resource,
 * lifecycle.rule[].condition.age, "integer", format int32:
 * https://cloud.google.com/storage/docs/json_api/v1/buckets): a larger age is refused at apply.
 */
const MAX_AGE_DAYS = 2_147_483_647;
const AGE_DAYS = { test: (v: number) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_AGE_DAYS, rule: `must be a whole number of days from 1 to ${MAX_AGE_DAYS.toLocaleString("en-US")} (Cloud Storage keeps a lifecycle age as an int32)` };

/**
 * Lifecycle rules of a bucket under a retention policy: transitions to colder classes, then
 * deletion. A delete rule earlier than the retention period deletes nothing before the
 * period ends, so it is refused as the mistake it usually is.
 */
export function storageLifecycleRules(
  site: InputSite,
  property: string,
  retentionDays: number,
  transitions: readonly StorageClassTransition[] | undefined,
  deleteAfterDays: number | undefined,
): StorageBucketLifecycleRule[] | undefined {
  const rules: StorageBucketLifecycleRule[] = [];
  let previous = 0;
  let coldest = -1;
  (transitions ?? []).forEach((t, i) => {
    checkShape(site, `${property}.transitions[${i}]`, t, { ageDays: "whole-number", storageClass: "string" });
    check(site, `${property}.transitions[${i}].ageDays`, t.ageDays, AGE_DAYS);
    check(site, `${property}.transitions[${i}].storageClass`, t.storageClass, oneOf(COLDER_CLASSES));
    if (t.ageDays <= previous) throw inputError(site, `${property}.transitions[${i}].ageDays`, t.ageDays, "transitions must be listed by increasing age");
    // Older objects move to colder classes; a warmer one later would cost more and buys nothing.
    const rank = COLDER_CLASSES.indexOf(t.storageClass as (typeof COLDER_CLASSES)[number]);
    if (rank <= coldest) throw inputError(site, `${property}.transitions[${i}].storageClass`, t.storageClass, `must be colder than ${COLDER_CLASSES[coldest]}, the class of the transition before (${COLDER_CLASSES.join(" < ")})`);
    coldest = rank;
    previous = t.ageDays;
    rules.push({ action: { type: "SetStorageClass", storageClass: t.storageClass }, condition: { age: t.ageDays } });
  });
  if (deleteAfterDays !== undefined) {
    check(site, `${property}.deleteAfterDays`, deleteAfterDays, AGE_DAYS);
    if (deleteAfterDays < retentionDays) {
      throw inputError(site, `${property}.deleteAfterDays`, deleteAfterDays, `must be at least retentionDays (${retentionDays}): objects under retention cannot be deleted earlier`);
    }
    if (deleteAfterDays <= previous) throw inputError(site, `${property}.deleteAfterDays`, deleteAfterDays, "must come after the last storage class transition");
    rules.push({ action: { type: "Delete" }, condition: { age: deleteAfterDays } });
  }
  return rules.length > 0 ? rules : undefined;
}
