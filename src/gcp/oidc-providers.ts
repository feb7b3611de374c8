import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { Construct } from "constructs";
import { celSyntaxError, unquotedCelTokens } from "../core/cel";
import { HTTPS_URL } from "../core/formats";
import { check, checkEach, checkShape, checkTextOptional, checkType, inputError } from "../core/validate";
import { CredentialConfigurationOptions, CredentialSource, TokenSourceDefault, buildCredentialConfiguration } from "./credential-configuration";
import { FederatedMatch, FederatedPrincipal } from "./federated-principal";
import {
  ATTRIBUTE_CONDITION,
  ATTRIBUTE_KEY,
  ATTRIBUTE_VALUE,
  AUDIENCE,
  MAPPING_EXPRESSION,
  MAX_ALLOWED_AUDIENCES,
  MAX_CUSTOM_ATTRIBUTES,
  POOL_DESCRIPTION,
  POOL_DISPLAY_NAME,
  SUBJECT_MAPPING,
  WORKLOAD_IDENTITY_ID,
} from "./gcp-rules";
import type { WorkloadIdentityPool } from "./workload-identity-pool";

/** Options every provider shares. */
export interface ProviderCommonOptions {
  /** At most 32 characters. @default the provider id */
  readonly displayName?: string;
  /** At most 256 characters. */
  readonly description?: string;
  /**
   * Accepted `aud` values (at most 10). When empty, tokens must carry the provider's own
   * resource name as audience (see `tokenAudience`), which no other relying party uses.
   */
  readonly allowedAudiences?: string[];
}

export interface OidcProviderOptions extends ProviderCommonOptions {
  /** 4-32 of [a-z0-9-], not starting with `gcp-`. */
  readonly providerId: string;
  /** https issuer URL; Google fetches its discovery document. */
  readonly issuerUri: string;
  /** CEL mappings; must include `google.subject`. */
  readonly attributeMapping: { [key: string]: string };
  /** CEL condition every token must satisfy. Required: it pins the issuer to your tenant/org. */
  readonly attributeCondition: string;
}

// Kept out of the public (jsii) surface.
const defaultSources = new WeakMap<WorkloadIdentityOidcProvider, TokenSourceDefault>();
const NO_PLATFORM_SOURCE = "this issuer's platform has no token file or command Google's libraries could read: pass credentialSourceFile or executableCommand";

/** A workload identity pool provider trusting one OIDC issuer under one condition. */
export class WorkloadIdentityOidcProvider extends Construct {
  public readonly pool: WorkloadIdentityPool;
  public readonly providerId: string;
  public readonly issuerUri: string;
  public readonly attributeCondition: string;
  public readonly attributeMapping: { [key: string]: string };
  public readonly allowedAudiences: string[];
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`. */
  public readonly providerName: string;
  /** The STS audience for credential configurations: `//iam.googleapis.com/<providerName>`. */
  public readonly stsAudience: string;
  /** The `aud` the workload must request for its OIDC token. */
  public readonly tokenAudience: string;
  public readonly resource: IamWorkloadIdentityPoolProvider;

  constructor(pool: WorkloadIdentityPool, id: string, options: OidcProviderOptions) {
    super(pool, id);
    checkShape(this, "", options, { providerId: "string", issuerUri: "string", attributeMapping: "string-map", attributeCondition: "string", displayName: "string?", description: "string?", allowedAudiences: "string[]?" });
    this.pool = pool;
    this.providerId = check(this, "providerId", options.providerId, WORKLOAD_IDENTITY_ID);
    this.issuerUri = check(this, "issuerUri", options.issuerUri, HTTPS_URL);
    const displayName = checkTextOptional(this, "displayName", options.displayName, POOL_DISPLAY_NAME);
    const description = checkTextOptional(this, "description", options.description, POOL_DESCRIPTION);
    this.attributeCondition = check(this, "attributeCondition", options.attributeCondition, ATTRIBUTE_CONDITION);
    this.attributeMapping = validateMapping(this, options.attributeMapping);
    // Presets write CEL the test suite parses; only expressions a user wrote are parsed here.
    if (new.target === WorkloadIdentityOidcProvider) checkCelSyntax(this, this.attributeCondition, this.attributeMapping);
    this.allowedAudiences = [...(options.allowedAudiences ?? [])];
    check(this, "allowedAudiences", this.allowedAudiences.length, {
      test: (n) => n <= MAX_ALLOWED_AUDIENCES,
      rule: `at most ${MAX_ALLOWED_AUDIENCES} audiences`,
    });
    checkEach(this, "allowedAudiences", this.allowedAudiences, AUDIENCE);

    this.resource = new IamWorkloadIdentityPoolProvider(this, "Resource", {
      project: pool.projectId,
      workloadIdentityPoolId: pool.resource.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: this.providerId,
      displayName: displayName ?? this.providerId,
      description,
      attributeMapping: this.attributeMapping,
      attributeCondition: this.attributeCondition,
      oidc: {
        issuerUri: this.issuerUri,
        allowedAudiences: this.allowedAudiences.length > 0 ? this.allowedAudiences : undefined,
      },
    });
    this.providerName = this.resource.name;
    this.stsAudience = `//iam.googleapis.com/${this.providerName}`;
    this.tokenAudience = this.allowedAudiences[0] ?? this.stsAudience;
    defaultSources.set(this, { missing: NO_PLATFORM_SOURCE });
  }

  /** Every identity from this pool whose `attribute.<attribute>` equals `value`. */
  public principalSet(attribute: string, value: string): FederatedPrincipal {
    return this.pool.principalSet(attribute, value);
  }

  /** One identity by its mapped `google.subject`. */
  public subject(subject: string): FederatedPrincipal {
    checkType(this, "subject", subject, "string");
    check(this, "subject", subject, ATTRIBUTE_VALUE);
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.SUBJECT,
      value: subject,
      principalName: `${this.pool.poolId}/${this.providerId}/subject/${subject}`,
    });
  }

  /**
   * The `external_account` JSON that Google's client libraries read (point
   * GOOGLE_APPLICATION_CREDENTIALS at it). It contains no secret; export it with a
   * TerraformOutput or write it next to the workload.
   */
  public credentialConfiguration(options?: CredentialConfigurationOptions): string {
    return buildCredentialConfiguration(this, this.stsAudience, defaultSources.get(this)!, options);
  }

  /** @internal presets name the token source their platform provides, or why there is none. */
  protected _setDefaultCredentialSource(source: CredentialSource | undefined, missing: string = NO_PLATFORM_SOURCE): void {
    defaultSources.set(this, { source, missing });
  }
}

function validateMapping(provider: Construct, mapping: { [key: string]: string }): { [key: string]: string } {
  const keys = Object.keys(mapping ?? {}).sort();
  if (!keys.includes("google.subject")) {
    throw inputError(provider, "attributeMapping", keys, "must map google.subject");
  }
  for (const key of keys) check(provider, "attributeMapping key", key, ATTRIBUTE_KEY);
  const custom = keys.filter((k) => k.startsWith("attribute."));
  if (custom.length > MAX_CUSTOM_ATTRIBUTES) {
    throw inputError(provider, "attributeMapping", custom.length, `at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`);
  }
  for (const key of keys) check(provider, `attributeMapping["${key}"]`, mapping[key], MAPPING_EXPRESSION);
  check(provider, 'attributeMapping["google.subject"]', mapping["google.subject"], SUBJECT_MAPPING);
  // Sorted keys keep the synthesized JSON stable whatever order the caller wrote.
  return Object.fromEntries(keys.map((k) => [k, mapping[k]]));
}

function checkCelSyntax(provider: Construct, condition: string, mapping: { [key: string]: string }): void {
  const expressions: Array<[string, string]> = [["attributeCondition", condition], ...Object.keys(mapping).map((k): [string, string] => [`attributeMapping["${k}"]`, mapping[k]])];
  for (const [property, expression] of expressions) {
    if (unquotedCelTokens(expression).length > 0) {
      throw inputError(provider, property, expression, "a value Terraform fills in must be quoted with Fn.jsonencode(value) inside CEL, or Terraform pastes it in raw and a quote in it adds CEL of its own");
    }
    const error = celSyntaxError(expression);
    if (error !== undefined) throw inputError(provider, property, expression, `must be a CEL expression Google can parse; the parser says ${error}`);
  }
}
