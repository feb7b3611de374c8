import { PREDEFINED_ROLE_PERMISSIONS } from "../core/data/predefined-roles";
import { InputRule, lengthBetween, pattern } from "../core/validate";

/** Firestore input limits, each written once. Sources: ../shared/FACTS.md and the Firestore REST reference. */

export const DEFAULT_DATABASE_ID = "(default)";

const UUID_LIKE = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

export const DATABASE_ID: InputRule<string> = {
  test: (v) => v === DEFAULT_DATABASE_ID || (/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/.test(v) && !UUID_LIKE.test(v)),
  rule: 'database id must be "(default)" or 4-63 characters of [a-z0-9-], starting with a letter, ending with a letter or digit, and not UUID-like',
};

/**
 * The locations Google lists for creating a Firestore database (Native mode, both editions),
 * https://docs.cloud.google.com/firestore/native/docs/locations, as mirrored on 2026-08-20.
 * A region Google adds later is refused until this list learns it; the message says where to look.
 */
export const FIRESTORE_MULTI_REGIONS: readonly string[] = ["nam5", "nam7", "eur3"];
export const FIRESTORE_REGIONS: readonly string[] = [
  "us-west1", "us-west2", "us-west3", "us-west4", "us-central1", "northamerica-northeast1", "northamerica-northeast2",
  "northamerica-south1", "us-east1", "us-east4", "us-east5", "us-south1", "southamerica-west1", "southamerica-east1",
  "europe-west2", "europe-west1", "europe-west4", "europe-west8", "europe-southwest1", "europe-west9", "europe-west12",
  "europe-west10", "europe-west3", "europe-north1", "europe-north2", "europe-central2", "europe-west6", "me-central1",
  "me-central2", "me-west1", "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "asia-southeast3",
  "asia-east2", "asia-east1", "asia-northeast1", "asia-northeast2", "asia-northeast3", "australia-southeast1",
  "australia-southeast2", "africa-south1",
];
const FIRESTORE_LOCATIONS: ReadonlySet<string> = new Set([...FIRESTORE_MULTI_REGIONS, ...FIRESTORE_REGIONS]);

export const FIRESTORE_LOCATION: InputRule<string> = {
  test: (v) => typeof v === "string" && FIRESTORE_LOCATIONS.has(v),
  rule:
    "must be a Firestore location Google lists: a multi-region (nam5, nam7, eur3) or a region such as europe-west3 " +
    "(https://docs.cloud.google.com/firestore/native/docs/locations)",
};

/** The API caps backup retention at 14 weeks (8467200 s). */
export const MAX_BACKUP_RETENTION_DAYS = 98;
export const BACKUP_RETENTION_DAYS: InputRule<number> = {
  test: (v) => Number.isInteger(v) && v >= 1 && v <= MAX_BACKUP_RETENTION_DAYS,
  rule: `backup retention must be a whole number of days from 1 to ${MAX_BACKUP_RETENTION_DAYS} (14 weeks, the Firestore maximum)`,
};

export const CUSTOM_ROLE_ID: InputRule<string> = pattern(/^[a-zA-Z0-9_.]{3,64}$/, "custom role id must be 3-64 characters of [a-zA-Z0-9_.]");
export const CUSTOM_ROLE_TITLE: InputRule<string> = lengthBetween(1, 100);
export const CUSTOM_ROLE_DESCRIPTION: InputRule<string> = lengthBetween(0, 256);

/** Only Firestore permissions: a custom role granted through a database condition must not carry anything else. */
/** Every Firestore permission a predefined role holds: the permissions Google defines (core/data/predefined-roles.ts). */
const KNOWN_DATASTORE_PERMISSIONS: ReadonlySet<string> = new Set(
  Object.values(PREDEFINED_ROLE_PERMISSIONS).flatMap((permissions) => permissions.filter((p) => p.startsWith("datastore."))),
);

export const DATASTORE_PERMISSION: InputRule<string> = {
  test: (v) => typeof v === "string" && KNOWN_DATASTORE_PERMISSIONS.has(v),
  rule: `must be a Firestore permission Google defines, e.g. datastore.entities.get (one of ${KNOWN_DATASTORE_PERMISSIONS.size}, listed in Google's IAM roles reference)`,
};

export const PERMISSION_LIST: InputRule<readonly string[]> = {
  test: (v) => Array.isArray(v) && v.length > 0,
  rule: "must list at least one datastore.* permission",
};
