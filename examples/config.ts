/**
 * The three example environments. Every value is a placeholder that synthesizes
 * offline; point the examples at real values with EXAMPLES_CONFIG (see README).
 */
export type EnvironmentName = "dev" | "staging" | "prod";

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** GCP project that holds this environment's Firestore database. */
  readonly projectId: string;
  readonly buildkiteOrganization: string;
}

export const ENVIRONMENTS: readonly EnvironmentConfig[] = [
  { name: "dev", projectId: "acme-firestore-dev", buildkiteOrganization: "acme" },
  { name: "staging", projectId: "acme-firestore-staging", buildkiteOrganization: "acme" },
  { name: "prod", projectId: "acme-firestore-prod", buildkiteOrganization: "acme" },
];
