import { AuditLogDestination, AuditLogType, FirestoreAuditLogging, Principal } from "../../src";
import { expectInputError } from "../support/synth";

const projectId = "acme-dev-1";
const topic = () => AuditLogDestination.pubSub({ topicName: "firestore-audit" });
const audit = (s: any, destination: AuditLogDestination = topic(), props: Record<string, unknown> = {}) =>
  new FirestoreAuditLogging(s, "audit", { projectId, destination, ...props });
const storage = (props: Record<string, unknown>) => AuditLogDestination.storage({ bucketName: "acme-audit", location: "EU", retentionDays: 30, ...props });
const logBucket = (props: Record<string, unknown>) => AuditLogDestination.logBucket({ bucketId: "firestore-audit", retentionDays: 30, ...props });
const sa = Principal.serviceAccount("x@acme-dev-1.iam.gserviceaccount.com");

describe("bad audit input is refused with path, property, value and rule", () => {
  const cases: Array<[string, (s: any) => unknown, ...string[]]> = [
    ["project id", (s) => audit(s, topic(), { projectId: "dev" }), "test/audit", "projectId", '"dev"', "6-30"],
    ["sink name", (s) => audit(s, topic(), { sinkName: "firestore audit" }), "sinkName", '"firestore audit"', "[A-Za-z0-9_.-]"],
    ["no log types", (s) => audit(s, topic(), { logTypes: [] }), "logTypes", "[]", "at least one of ADMIN_READ, DATA_READ, DATA_WRITE"],
    ["unknown log type", (s) => audit(s, topic(), { logTypes: ["ADMIN_WRITE"] }), "logTypes[0]", '"ADMIN_WRITE"', "ADMIN_READ, DATA_READ, DATA_WRITE"],
    ["duplicate log type", (s) => audit(s, topic(), { logTypes: [AuditLogType.DATA_READ, AuditLogType.DATA_READ] }), "logTypes", '"DATA_READ"', "must be unique"],
    ["duplicate exempted member", (s) => audit(s, topic(), { exemptedMembers: [sa, sa] }), "exemptedMembers", "serviceAccount:x@", "must be unique"],
    ["exclusion without methods or principals", (s) => audit(s, topic(), { exclusions: [{ name: "all", description: "too noisy to keep at all" }] }), "exclusions[0]", '"all"', "methods, principals or both"],
    ["exclusion of a group", (s) => audit(s, topic(), { exclusions: [{ name: "ops", description: "operators are trusted anyway", principals: [Principal.group("ops@acme.example")] }] }), "exclusions[0].principals[0]", "group:ops@acme.example", "user or service account"],
    ["exclusion principal with a quote", (s) => audit(s, topic(), { exclusions: [{ name: "x", description: "a principal that breaks out", principals: [{ iamMember: 'user:a"OR"@x.example', principalName: "a" }] }] }), "exclusions[0].principals[0]", "no quote, backslash or space"],
    ["exclusion method with a quote", (s) => audit(s, topic(), { exclusions: [{ name: "x", description: "a method that breaks out", methods: ['Listen" OR true'] }] }), "exclusions[0].methods[0]", "protoPayload.methodName"],
    ["exclusion name with a space", (s) => audit(s, topic(), { exclusions: [{ name: "no listen", description: "listen streams are noise", methods: ["Listen"] }] }), "exclusions[0].name", '"no listen"', "[A-Za-z0-9_.-]"],
    ["exclusion without a reason", (s) => audit(s, topic(), { exclusions: [{ name: "x", description: "noise", methods: ["Listen"] }] }), "exclusions[0].description", '"noise"', "10-1000"],
    ["duplicate exclusion name", (s) => audit(s, topic(), { exclusions: [{ name: "x", description: "listen streams are noise", methods: ["Listen"] }, { name: "x", description: "listen streams are noise", methods: ["Watch"] }] }), "exclusions", '"x"', "must be unique"],
    ["federation flag as a string", (s) => audit(s, topic(), { auditFederation: "no" }), "auditFederation", '"no"', "true or false"],
    ["kms key version instead of key", (s) => audit(s, AuditLogDestination.pubSub({ topicName: "audit", kmsKeyName: "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1" })), "destination.kmsKeyName", "cryptoKeyVersions", "not a key version"],
    ["delete before retention ends", (s) => audit(s, storage({ deleteAfterDays: 10 })), "destination.deleteAfterDays", "10", "at least retentionDays (30)"],
    ["transition to an unknown class", (s) => audit(s, storage({ transitions: [{ ageDays: 10, storageClass: "FROZEN" }] })), "destination.transitions[0].storageClass", '"FROZEN"', "NEARLINE, COLDLINE, ARCHIVE"],
    ["transitions out of order", (s) => audit(s, storage({ transitions: [{ ageDays: 90, storageClass: "ARCHIVE" }, { ageDays: 30, storageClass: "NEARLINE" }] })), "destination.transitions[1].ageDays", "30", "increasing age"],
    ["a warmer class after a colder one", (s) => audit(s, storage({ transitions: [{ ageDays: 30, storageClass: "ARCHIVE" }, { ageDays: 90, storageClass: "NEARLINE" }] })), "destination.transitions[1].storageClass", '"NEARLINE"', "must be colder than ARCHIVE"],
    ["missing destination", (s) => new FirestoreAuditLogging(s, "audit", { projectId } as any), "destination", "AuditLogDestination.bigQuery"],
    ["dataset id with hyphen", (s) => audit(s, AuditLogDestination.bigQuery({ datasetId: "firestore-audit" })), "test/audit", "destination.datasetId", '"firestore-audit"', "[A-Za-z0-9_]"],
    ["dataset id too long", (s) => audit(s, AuditLogDestination.bigQuery({ datasetId: "a".repeat(1025) })), "destination.datasetId", "1-1024"],
    ["dataset location", (s) => audit(s, AuditLogDestination.bigQuery({ datasetId: "audit", location: "the moon" })), "destination.location", '"the moon"'],
    ["table expiration of 0 days", (s) => audit(s, AuditLogDestination.bigQuery({ datasetId: "audit", defaultTableExpirationDays: 0 })), "destination.defaultTableExpirationDays", "0", "from 1 to"],
    ["bucket name too short", (s) => audit(s, storage({ bucketName: "ab" })), "test/audit", "destination.bucketName", '"ab"', "3-63"],
    ["bucket name too long", (s) => audit(s, storage({ bucketName: "a".repeat(64) })), "destination.bucketName", "3-63"],
    ["bucket name starting with goog", (s) => audit(s, storage({ bucketName: "goog-audit" })), "destination.bucketName", '"goog-audit"', 'not start with "goog"'],
    ["bucket name containing google", (s) => audit(s, storage({ bucketName: "my-google-audit" })), "destination.bucketName", 'not contain "google"'],
    ["bucket name misspelling google", (s) => audit(s, storage({ bucketName: "my-g00gle-audit" })), "destination.bucketName", '"my-g00gle-audit"'],
    ["bucket name uppercase", (s) => audit(s, storage({ bucketName: "Acme-Audit" })), "destination.bucketName", '"Acme-Audit"', "[a-z0-9._-]"],
    ["bucket name ending in hyphen", (s) => audit(s, storage({ bucketName: "acme-audit-" })), "destination.bucketName", "start and end"],
    ["bucket name as an IP address", (s) => audit(s, storage({ bucketName: "192.168.5.4" })), "destination.bucketName", "IP address"],
    ["bucket location", (s) => audit(s, storage({ location: "" })), "destination.location", '""'],
    ["bucket retention of 0 days", (s) => audit(s, storage({ retentionDays: 0 })), "destination.retentionDays", "0", "1 to 24855"],
    // google 6.50.0: retention_period is IntBetween(1, math.MaxInt32) seconds, 24,855 whole days.
    ["bucket retention past 2,147,483,647 seconds", (s) => audit(s, storage({ retentionDays: 24856 })), "destination.retentionDays", "24856", "1 to 24855"],
    ["topic name starting with goog", (s) => audit(s, AuditLogDestination.pubSub({ topicName: "goog-audit" })), "destination.topicName", '"goog-audit"', 'not start with "goog"'],
    ["topic name starting with a digit", (s) => audit(s, AuditLogDestination.pubSub({ topicName: "1audit" })), "destination.topicName", "start with a letter"],
    ["topic name too short", (s) => audit(s, AuditLogDestination.pubSub({ topicName: "ab" })), "destination.topicName", "3-255"],
    ["topic name with slash", (s) => audit(s, AuditLogDestination.pubSub({ topicName: "audit/prod" })), "destination.topicName", '"audit/prod"'],
    ["destination project id", (s) => audit(s, AuditLogDestination.pubSub({ topicName: "audit", projectId: "Logs" })), "destination.projectId", '"Logs"'],
    ["log bucket id reserved", (s) => audit(s, logBucket({ bucketId: "_Default" })), "destination.bucketId", '"_Default"', "not be _Default or _Required"],
    ["log bucket id starting with a dot", (s) => audit(s, logBucket({ bucketId: ".audit" })), "destination.bucketId", '".audit"', "start with a letter or digit"],
    ["log bucket id with slash", (s) => audit(s, logBucket({ bucketId: "audit/fs" })), "destination.bucketId", "[A-Za-z0-9_.-]"],
    ["log bucket id too long", (s) => audit(s, logBucket({ bucketId: "a".repeat(101) })), "destination.bucketId", "1-100"],
    ["log bucket location", (s) => audit(s, logBucket({ location: "Global" })), "destination.location", '"Global"', "global"],
    ["log bucket retention of 0 days", (s) => audit(s, logBucket({ retentionDays: 0 })), "destination.retentionDays", "0", "1 to 3650"],
    ["log bucket retention over 10 years", (s) => audit(s, logBucket({ retentionDays: 3651 })), "destination.retentionDays", "3651", "1 to 3650"],
  ];
  test.each(cases)("%s", (_name, build, ...fragments) => expectInputError(build, ...fragments));
});
