import { GOOGLE_JWT_TOKEN_TYPE, GOOGLE_STS_TOKEN_URL, googleImpersonationUrl } from "../core/issuers";
import { IServiceAccount } from "../core/principal";
import { ABSOLUTE_PATH, EMAIL, EXECUTABLE_COMMAND } from "../core/formats";
import { InputSite, check, checkOptional, checkOptions, integerBetween, siteName } from "../core/validate";
import { TOKEN_LIFETIME_SECONDS } from "./gcp-rules";

/**
 * Options for an `external_account` credential configuration. The file holds no secret:
 * it tells Google's auth libraries where to read the workload's own OIDC token.
 */
export interface CredentialConfigurationOptions {
  /** Impersonate this service account; omit for direct resource access by the federated principal. */
  readonly serviceAccount?: IServiceAccount;
  /** Lifetime of the impersonated access token, 600-43200 s. @default 3600 */
  readonly tokenLifetimeSeconds?: number;
  /** Read the OIDC token from this absolute file path. */
  readonly credentialSourceFile?: string;
  /**
   * Run this command to obtain the token: an absolute program path and arguments, split at
   * spaces (needs GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 in the workload's environment).
   * It prints Google's executable response: `{"version":1,"success":true,"token_type":
   * "urn:ietf:params:oauth:token-type:jwt","id_token":"JWT","expiration_time":EPOCH_SECONDS}`.
   */
  readonly executableCommand?: string;
  /** Timeout for the executable, 5000-120000 ms. @default 30000 */
  readonly executableTimeoutMillis?: number;
}

/** Where a provider's workloads find their token when the caller does not say. */
export type CredentialSource = Record<string, unknown>;

/** The token source a platform provides, or why the caller must name one. */
export interface TokenSourceDefault {
  readonly source?: CredentialSource;
  /** Said when no source is given and the platform provides none. */
  readonly missing: string;
}

export function buildCredentialConfiguration(
  site: InputSite,
  stsAudience: string,
  platform: TokenSourceDefault,
  options: CredentialConfigurationOptions = {},
): string {
  checkOptions(site, "options", options, { serviceAccount: "object?", tokenLifetimeSeconds: "number?", credentialSourceFile: "string?", executableCommand: "string?", executableTimeoutMillis: "number?" });
  if (options.credentialSourceFile !== undefined && options.executableCommand !== undefined) {
    throw new Error(`${siteName(site)}: credentialSourceFile and executableCommand are exclusive; choose one token source`);
  }
  checkOptional(site, "credentialSourceFile", options.credentialSourceFile, ABSOLUTE_PATH);
  checkOptional(site, "executableCommand", options.executableCommand, EXECUTABLE_COMMAND);
  checkOptional(site, "executableTimeoutMillis", options.executableTimeoutMillis, integerBetween(5000, 120000, "milliseconds"));
  checkOptional(site, "tokenLifetimeSeconds", options.tokenLifetimeSeconds, TOKEN_LIFETIME_SECONDS);
  if (options.tokenLifetimeSeconds !== undefined && !options.serviceAccount) {
    throw new Error(`${siteName(site)}: tokenLifetimeSeconds applies only with serviceAccount impersonation`);
  }

  let source: CredentialSource | undefined = options.executableCommand
    ? { executable: { command: options.executableCommand, timeout_millis: options.executableTimeoutMillis ?? 30000 } }
    : options.credentialSourceFile
      ? { file: options.credentialSourceFile }
      : platform.source;
  // A file or command nobody provides would fail on the workload, long after synth.
  if (source === undefined) throw new Error(`${siteName(site)}: credentialConfiguration needs a token source; ${platform.missing}`);
  if (options.executableTimeoutMillis !== undefined) {
    const executable = source.executable as Record<string, unknown> | undefined;
    if (executable === undefined) throw new Error(`${siteName(site)}: executableTimeoutMillis applies only to a token source that runs a command, not to ${Object.keys(source)[0]}`);
    source = { ...source, executable: { ...executable, timeout_millis: options.executableTimeoutMillis } };
  }

  const config: Record<string, unknown> = {
    type: "external_account",
    audience: stsAudience,
    subject_token_type: GOOGLE_JWT_TOKEN_TYPE,
    token_url: GOOGLE_STS_TOKEN_URL,
    credential_source: source,
  };
  if (options.serviceAccount) {
    check(site, "options.serviceAccount.email", options.serviceAccount.email, EMAIL);
    config.service_account_impersonation_url = googleImpersonationUrl(options.serviceAccount.email);
    if (options.tokenLifetimeSeconds !== undefined) {
      config.service_account_impersonation = { token_lifetime_seconds: options.tokenLifetimeSeconds };
    }
  }
  return JSON.stringify(config);
}
