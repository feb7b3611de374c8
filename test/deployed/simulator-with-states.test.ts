import { AccessDecision, AccessSimulator } from "../../src";
import { SimulatorOptions } from "../../src/analysis/deployed-values";
import { FROM_REFERENCES, PROJECT_NUMBERS, SHAPES, allStates, exampleQuestions, fixtureState, synthExamplesOut } from "./support";

/**
 * With the examples' deployed states, every answer that was unknown because of a value
 * Terraform fills in at apply is decided; nothing else changes. Counted over the questions
 * the examples answer (every workload's token or account, every database, every level).
 */
const outdir = synthExamplesOut();
const simulate = (options?: SimulatorOptions) => AccessSimulator.fromSynthOutput(outdir, options);
const questions = exampleQuestions();

function answers(simulator: AccessSimulator) {
  return questions.map((q) => ({ label: q.label, answer: simulator.explain(q.request) }));
}

const before = answers(simulate());
const fromReferences = (list: typeof before) => list.filter((a) => a.answer.decision === AccessDecision.UNKNOWN && a.answer.reasons.some((r) => FROM_REFERENCES.test(r)));

test("without states, the examples have unknown answers that come from references (the Entra audience is the app's client id)", () => {
  const unknown = fromReferences(before);
  expect(unknown.length).toBe(6);
  expect(unknown.map((a) => a.label)).toEqual(expect.arrayContaining(["entra api dev -> dev READ", "entra api prod -> prod READ_WRITE"]));
  expect(unknown[0].answer.reasons.join("\n")).toContain("allowed_audiences holds references Terraform fills in");
});

describe.each(SHAPES)("with every stack's state as %s", (shape) => {
  const after = answers(simulate({ states: allStates(shape) }));

  test("the unknown answers that came from references go to 0", () => {
    expect(fromReferences(after)).toEqual([]);
    expect(after.filter((a) => a.answer.decision === AccessDecision.UNKNOWN).map((a) => a.label)).toEqual([]);
  });

  test("each was decided the way the examples promise, and no decided answer changed", () => {
    after.forEach((a, i) => {
      const was = before[i].answer.decision;
      if (was === AccessDecision.UNKNOWN) expect({ label: a.label, decision: a.answer.decision }).toEqual({ label: a.label, decision: a.label.match(/entra api (\w+) -> \1 READ(_WRITE)?$/) ? AccessDecision.ALLOWED : AccessDecision.DENIED });
      else expect({ label: a.label, decision: a.answer.decision }).toEqual({ label: a.label, decision: was });
    });
  });
});

test("the Entra audience resolves to the client id apply assigned: another id is refused, with the real one in the reason", () => {
  const simulator = simulate({ states: allStates("raw") });
  const entra = questions.find((q) => q.label === "entra api prod -> prod READ_WRITE")!;
  expect(simulator.explain(entra.request).decision).toBe(AccessDecision.ALLOWED);
  const wrong = simulator.explain({ ...entra.request, token: { ...entra.request.token, aud: "11111111-2222-4333-8444-555555555555" } });
  expect(wrong.decision).toBe(AccessDecision.DENIED);
  expect(wrong.reasons.join("\n")).toMatch(/is none of allowed_audiences \["[0-9a-f-]{36}"\]/);
});

test("with project numbers known, the default audience must name the pool's own project: another number is refused (control: the right one is allowed)", () => {
  const deploy = questions.find((q) => q.label === "buildkite deploy dev -> dev INDEX_ADMIN")!;
  const wrongNumber = { ...deploy.request.token, aud: String(deploy.request.token!.aud).replace(PROJECT_NUMBERS["acme-firestore-dev"], PROJECT_NUMBERS["acme-firestore-prod"]) };
  // Before apply, any number stands for the project's: the token is admitted.
  expect(simulate().explain({ ...deploy.request, token: wrongNumber }).decision).toBe(AccessDecision.ALLOWED);
  for (const options of [{ states: { "buildkite-dev": fixtureState("show", "buildkite-dev") } }, { projectNumbers: { "acme-firestore-dev": PROJECT_NUMBERS["acme-firestore-dev"] } }]) {
    const simulator = simulate(options);
    expect(simulator.explain(deploy.request).decision).toBe(AccessDecision.ALLOWED);
    const refused = simulator.explain({ ...deploy.request, token: wrongNumber });
    expect(refused.decision).toBe(AccessDecision.DENIED);
    expect(refused.reasons.join("\n")).toContain(`${PROJECT_NUMBERS["acme-firestore-dev"]} is project acme-firestore-dev's number`);
  }
});

test("principal sets named by project number in the state still match identities of the pool named by project id", () => {
  const simulator = simulate({ states: { "buildkite-dev": fixtureState("raw", "buildkite-dev") } });
  const tests = questions.find((q) => q.label === "buildkite tests dev -> dev READ_WRITE")!;
  const answer = simulator.explain(tests.request);
  expect(answer.decision).toBe(AccessDecision.ALLOWED);
  expect(answer.chains[0].steps.map((s) => s.kind)).toEqual(["token", "grant"]);
});

test("a pool and provider id reused in two projects: unknown before apply, decided once the project numbers are known (control: the other project's number is refused)", () => {
  const stack = (name: string, project: string) =>
    JSON.stringify({
      "//": { metadata: { stackName: name } },
      provider: { google: [{ project }] },
      resource: {
        google_iam_workload_identity_pool_provider: {
          ci: {
            workload_identity_pool_id: "ci",
            workload_identity_pool_provider_id: "buildkite",
            attribute_mapping: { "google.subject": "assertion.sub" },
            attribute_condition: 'assertion.organization_slug == "acme"',
            oidc: { issuer_uri: "https://agent.buildkite.com" },
          },
        },
        google_project_iam_member: {
          reader: { project, role: "roles/datastore.viewer", member: `principal://iam.googleapis.com/projects/${project}/locations/global/workloadIdentityPools/ci/subject/deploy` },
        },
      },
    });
  const texts = [stack("ci-dev", "acme-dev"), stack("ci-prod", "acme-prod")];
  const token = (number: string) => ({ iss: "https://agent.buildkite.com", sub: "deploy", organization_slug: "acme", aud: `//iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/ci/providers/buildkite` });
  const ask = (simulator: AccessSimulator, number: string, project: string) => simulator.explain({ token: token(number), database: `projects/${project}/databases/apps`, access: "READ" as never });
  const before = ask(AccessSimulator.fromStackJson(texts), "111111111111", "acme-prod");
  expect(before.decision).toBe(AccessDecision.UNKNOWN);
  expect(before.reasons.join("\n")).toContain("exists in several projects, and the audience names the project by number, known only after apply");
  const numbers = AccessSimulator.fromStackJson(texts, { projectNumbers: { "acme-dev": "111111111111", "acme-prod": "222222222222" } });
  expect(ask(numbers, "222222222222", "acme-prod").decision).toBe(AccessDecision.ALLOWED);
  expect(ask(numbers, "111111111111", "acme-dev").decision).toBe(AccessDecision.ALLOWED);
  expect(ask(numbers, "111111111111", "acme-prod").decision).toBe(AccessDecision.DENIED);
});
