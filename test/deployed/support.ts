import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { buildExamplesApp } from "../../examples/main";
import { loadExamplesConfig } from "../../examples/config";
import { AccessRequest, FirestoreAccessLevel } from "../../src";
import { buildkiteToken, entraV2AppToken, githubToken, gkeToken, providerAudience } from "../fixtures/tokens";
import { ENVIRONMENTS, EXAMPLES } from "../examples/support";
import { PROJECT_NUMBERS } from "../fixtures/deployed/generate";

export { PROJECT_NUMBERS };
export const FIXTURES = join(__dirname, "..", "fixtures", "deployed");
export type Shape = "raw" | "show" | "plan";
export const SHAPES: readonly Shape[] = ["raw", "show", "plan"];
export const STACK_NAMES: readonly string[] = ENVIRONMENTS.flatMap((env) => EXAMPLES.map((e) => `${e}-${env}`));

/**
 * The examples synthesized as `cdktf synth` writes them (manifest.json, stack names in the
 * metadata), into a fresh temporary directory: what the CLI and fromSynthOutput read.
 */
export function synthExamplesOut(): string {
  if (synthesized) return synthesized;
  const outdir = mkdtempSync(join(tmpdir(), "fsi-deployed-"));
  buildExamplesApp(new App({ outdir }), loadExamplesConfig({})).synth();
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  return (synthesized = outdir);
}
let synthesized: string | undefined;

/** The fixture state of one example stack in one of Terraform's shapes (generate.ts wrote it). */
export function fixtureState(shape: Shape, stack: string): string {
  return readFileSync(join(FIXTURES, shape, `${stack}.json`), "utf8");
}

/** States of every example stack, in one shape. */
export function allStates(shape: Shape): { [stack: string]: string } {
  return Object.fromEntries(STACK_NAMES.map((s) => [s, fixtureState(shape, s)]));
}

/** A value the fixture state holds, e.g. the Entra client id apply assigned. */
export function stateValue(stack: string, address: string, attribute: string): string {
  const raw = JSON.parse(fixtureState("raw", stack));
  const [type, name] = address.split(".");
  return raw.resources.find((r: any) => r.type === type && r.name === name).instances[0].attributes[attribute];
}

const config = loadExamplesConfig({});
const project = (env: string) => `acme-firestore-${env}`;

/**
 * The questions the examples answer about every workload, each asked of every database
 * at every level: legitimate tokens as each issuer shapes them, carrying the audience the
 * deployed provider really has (its project's number; the Entra app's client id).
 */
export function exampleQuestions(): Array<{ label: string; request: AccessRequest & { readonly database: string } }> {
  const { shared } = config;
  const out: Array<{ label: string; request: AccessRequest & { readonly database: string } }> = [];
  for (const env of ENVIRONMENTS) {
    const number = PROJECT_NUMBERS[project(env)];
    const clientId = stateValue(`fastapi-${env}`, "azuread_application.google-audience_Application_D923FDF0", "client_id");
    const oid = config.environments.find((e) => e.name === env)!.apiManagedIdentityObjectId;
    const ids = { organization_id: shared.buildkiteOrganizationId, pipeline_id: shared.buildkiteDeployPipelineId };
    const who: Array<[string, Pick<AccessRequest, "token" | "member">]> = [
      [`buildkite deploy ${env}`, { token: buildkiteToken("acme", "firestore-deploy", "main", providerAudience(`buildkite-${env}`, "buildkite", number), ids) }],
      [`buildkite tests ${env}`, { token: buildkiteToken("acme", "integration-tests", "main", providerAudience(`buildkite-${env}`, "buildkite", number), { organization_id: ids.organization_id }) }],
      [
        `github deploy ${env}`,
        {
          token: githubToken(shared.ordersApiRepository, "refs/heads/main", `https:${providerAudience(`github-${env}`, "github-actions", number)}`, {
            repository_id: shared.ordersApiRepositoryId,
            repository_owner_id: shared.githubOwnerId,
          }),
        },
      ],
      [`entra api ${env}`, { token: entraV2AppToken(shared.entraTenantId, clientId, oid, ["Google.Federate"]) }],
      [`gke worker ${env}`, { token: gkeToken(project(env), "europe-west1", "airflow", "airflow", "airflow-worker") }],
      [`orders-api ${env}`, { member: `serviceAccount:orders-api@${project(env)}.iam.gserviceaccount.com` }],
    ];
    for (const [label, identity] of who) {
      for (const dbEnv of ENVIRONMENTS) {
        for (const access of [FirestoreAccessLevel.READ, FirestoreAccessLevel.READ_WRITE, FirestoreAccessLevel.INDEX_ADMIN, FirestoreAccessLevel.IMPORT_EXPORT]) {
          out.push({ label: `${label} -> ${dbEnv} ${access}`, request: { ...identity, ...("member" in identity ? { groups: [] } : {}), database: `projects/${project(dbEnv)}/databases/orders-${dbEnv}`, access } });
        }
      }
    }
  }
  return out;
}

/** Reasons that say a value is one Terraform fills in at apply. */
export const FROM_REFERENCES = /Terraform fills in|only apply|known only after apply|which Terraform expands/;
