import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { FirestoreCustomRole, FirestoreDatabase, Principal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";

/** The organization id the Buildkite provider pins; the agent adds it to tokens on --claim organization_id. */
export const BUILDKITE_ORG_ID = "0184990a-477b-4fa8-9968-496074483c77";

export const PROJECT = "acme-dev";
export const DATABASE = "projects/acme-dev/databases/orders";
export const BUILDKITE = "https://agent.buildkite.com";
export const DEPLOYER = "serviceAccount:firestore-deployer@acme-dev.iam.gserviceaccount.com";
export const POOL = "projects/acme-dev/locations/global/workloadIdentityPools/buildkite-dev";
export const TESTS_PIPELINE = `principalSet://iam.googleapis.com/${POOL}/attribute.pipeline/acme/integration-tests`;
export const ANALYSTS = "group:analysts@acme.example";

/**
 * What a user's Buildkite stack looks like: a deployer account that one pipeline
 * impersonates, a pipeline with direct access, and a custom read-only role for analysts.
 */
export function buildkiteStack(extra: (stack: TerraformStack) => void = () => undefined) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "buildkite-dev");
  new GoogleProvider(stack, "google", { project: PROJECT });
  const database = new FirestoreDatabase(stack, "db", { projectId: PROJECT, databaseId: "orders", locationId: "eur3" });
  const pool = new WorkloadIdentityPool(stack, "pool", { projectId: PROJECT, poolId: "buildkite-dev" });
  const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme", organizationId: BUILDKITE_ORG_ID });
  const deployer = new WorkloadServiceAccount(stack, "deployer", { projectId: PROJECT, accountId: "firestore-deployer" });
  const deploy = buildkite.pipeline("firestore-deploy", { branch: "main" });
  const tests = buildkite.pipeline("integration-tests");
  deployer.allowImpersonation(deploy);
  database.grantIndexAdmin(deployer);
  database.grantReadWrite(tests);
  const reader = new FirestoreCustomRole(stack, "reader", { projectId: PROJECT, roleId: "ordersReader", permissions: ["datastore.entities.get"] });
  database.grantCustomRole(Principal.group("analysts@acme.example"), reader);
  extra(stack);
  return { stack, database, deployer, deploy, tests, reader, json: Testing.synth(stack) };
}

/** A project-wide Firestore grant: no condition, so every database of the project. */
export function wideGrant(stack: TerraformStack): void {
  new ProjectIamMember(stack, "wide", { project: PROJECT, role: "roles/datastore.user", member: DEPLOYER });
}

/** The message an assertion fails with. */
export function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the assertion passed");
}
