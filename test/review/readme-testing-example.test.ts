/* The README's "A test file for your stack", run as written (the snapshot line checks the JSON instead); keep it equal to the README. */
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { FederatedPrincipal, FirestoreDatabase, Principal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import "cdktf/lib/testing/adapters/jest"; // types of cdktf's matchers
import "../../src/testing/setup-matchers"; // the README's setup.js
import { nearMisses } from "../../src/testing"; // also the types of the Firestore matchers (setup.js registers them)
import { Testing } from "cdktf";
import { FirestoreAccessLevel } from "../../src";

export class OrdersStack extends TerraformStack {
  public readonly database: FirestoreDatabase;
  public readonly api: WorkloadServiceAccount;
  public readonly deployer: WorkloadServiceAccount;
  public readonly deployPipeline: FederatedPrincipal;

  constructor(scope: Construct, id: string, props: { projectId: string }) {
    super(scope, id);
    const { projectId } = props;
    new GoogleProvider(this, "google", { project: projectId });
    this.database = new FirestoreDatabase(this, "orders", { projectId, databaseId: "orders", locationId: "eur3" });

    this.api = new WorkloadServiceAccount(this, "api", { projectId, accountId: "orders-api" });
    this.api.allowKubernetesWorkload({ namespace: "orders", serviceAccountName: "api" });
    this.database.grantReadWrite(this.api);
    this.database.grantRead(Principal.group("analysts@acme.example"));

    const pool = new WorkloadIdentityPool(this, "ci", { projectId, poolId: "buildkite" });
    const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme" });
    this.deployPipeline = buildkite.pipeline("orders-deploy", { branch: "main" });
    this.deployer = new WorkloadServiceAccount(this, "deployer", { projectId, accountId: "orders-deployer" });
    this.deployer.allowImpersonation(this.deployPipeline);
    this.database.grantIndexAdmin(this.deployer);
  }
}



describe("OrdersStack", () => {
  const stack = new OrdersStack(Testing.app(), "orders-dev", { projectId: "acme-orders-dev" });
  const synthesized = Testing.synth(stack);

  test("synthesizes the Terraform it did last time", () => {
    expect(synthesized).toContain("google_firestore_database");
  });

  test("the API reads and writes the orders database; analysts read it; nothing else reaches Firestore", () => {
    expect(synthesized).toOnlyGrantFirestoreAccess([
      { member: stack.api, database: stack.database, access: FirestoreAccessLevel.READ_WRITE },
      { member: "group:analysts@acme.example", database: "projects/acme-orders-dev/databases/orders", access: FirestoreAccessLevel.READ },
      { member: stack.deployer, database: stack.database, access: FirestoreAccessLevel.INDEX_ADMIN },
    ]);
    expect(synthesized).not.toGrantFirestoreAccess({ member: stack.api, database: stack.database, role: "roles/datastore.owner" });
  });

  test("the deployer cannot write documents; the API beside it can", () => {
    // The objects the stack holds (or their tokens, stack.api.iamMember) mean the accounts the stack declares.
    expect(synthesized).not.toAllowFirestoreAccess({ member: stack.deployer, database: stack.database, access: FirestoreAccessLevel.READ_WRITE });
    expect(synthesized).toAllowFirestoreAccess({ member: stack.api, database: stack.database, access: FirestoreAccessLevel.READ_WRITE });
  });

  test("only the main branch of orders-deploy, in the acme Buildkite organization, can deploy", () => {
    // A Buildkite agent token as Buildkite documents it (https://buildkite.com/docs/agent/cli/reference/oidc);
    // the audience is the provider's name under any project number.
    const token = {
      iss: "https://agent.buildkite.com",
      aud: "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/buildkite/providers/buildkite",
      sub: "organization:acme:pipeline:orders-deploy:ref:refs/heads/main:commit:9f31820:step:deploy",
      organization_slug: "acme",
      pipeline_slug: "orders-deploy",
      build_branch: "main",
    };
    const request = { token, database: stack.database.databaseName, access: FirestoreAccessLevel.INDEX_ADMIN };
    expect(synthesized).toAllowFirestoreAccess(request);
    expect(synthesized).toAllowFederatedAccess({ token, principal: stack.deployPipeline });
    // Every near miss (another organization, pipeline or branch, issuer, audience) is refused.
    for (const miss of nearMisses(token, ["organization_slug", "pipeline_slug", "build_branch"])) {
      expect(synthesized).not.toAllowFirestoreAccess({ ...request, token: miss.token });
    }
  });

  test("passes the Firestore guardrails", () => {
    expect(stack).toPassFirestoreGuardrails(); // the stack itself, so suppressions count
  });
});
