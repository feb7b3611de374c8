export * from "./core/principal";
export * from "./core/token-audience";
export * from "./gcp/federated-principal";
export { CredentialConfigurationOptions } from "./gcp/credential-configuration";
export * from "./gcp/workload-identity-pool";
export * from "./gcp/oidc-providers";
export * from "./gcp/workload-service-account";
