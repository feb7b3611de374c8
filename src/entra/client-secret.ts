import type { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { Fn } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { StableIds } from "../core/naming";
import { requireOptionalPeer } from "../core/optional-peer";
import { IPrincipal } from "../core/principal";
import { check, checkOptional, checkShape, inputError } from "../core/validate";
import { PROJECT_ID } from "../gcp/gcp-rules";
import { SECRET_MANAGER_SECRET_ID, SECRET_ROTATION_DAYS } from "./entra-rules";

const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
const DEFAULT_ROTATION_DAYS = 90;

/**
 * Where a client secret goes and who may read it. The secret value is written to one
 * Google Secret Manager secret and nowhere else (no output, no file).
 */
export interface EntraClientSecretOptions {
  /** Project that holds the Secret Manager secret. */
  readonly projectId: string;
  /** Secret Manager secret id: 1-255 letters, digits, hyphens or underscores. */
  readonly secretId: string;
  /**
   * Who may read the secret (roles/secretmanager.secretAccessor on this secret only).
   * At least one: a secret nobody can read is a mistake, one everybody can read a leak.
   */
  readonly accessors: IPrincipal[];
  /**
   * Days between rotations, 1-180. Rotation happens at the first `apply` after this many
   * days, so apply on a schedule; the password stays valid for twice this (at most 180 days),
   * so a late `apply` still finds a working secret. The apply that rotates also deletes the
   * old password: consumers that cached it (e.g. Airflow's API server) must re-read the
   * secret, so restart them after that apply.
   * @default 90
   */
  readonly rotationDays?: number;
  /**
   * Keep Terraform from destroying the Secret Manager secret (and so every consumer's
   * reference to it).
   * @default true
   */
  readonly preventDestroy?: boolean;
}

export interface EntraClientSecretProps extends EntraClientSecretOptions {
  /** Resource id of the application (`azuread_application.id`, `/applications/<object id>`). */
  readonly applicationResourceId: string;
}

/**
 * A rotating Entra client secret stored only in Google Secret Manager: time_rotating
 * replaces the password (rotate_when_changed) before it expires, and the new value
 * becomes a new secret version.
 */
export class EntraClientSecret extends Construct {
  /** `projects/PROJECT/secrets/SECRET_ID`: what consumers read (the value never leaves Secret Manager). */
  public readonly secretName: string;
  public readonly secretId: string;
  public readonly rotationDays: number;
  public readonly secret: SecretManagerSecret;
  private readonly ids = new StableIds();

  constructor(scope: Construct, id: string, props: EntraClientSecretProps) {
    super(scope, id);
    checkShape(this, "clientSecret", props, { projectId: "string", secretId: "string", accessors: "principal[]", rotationDays: "whole-number?", preventDestroy: "boolean?", applicationResourceId: "string" });
    check(this, "clientSecret.projectId", props.projectId, PROJECT_ID);
    this.secretId = check(this, "clientSecret.secretId", props.secretId, SECRET_MANAGER_SECRET_ID);
    this.rotationDays = checkOptional(this, "clientSecret.rotationDays", props.rotationDays, SECRET_ROTATION_DAYS) ?? DEFAULT_ROTATION_DAYS;
    const accessors = props.accessors ?? [];
    if (accessors.length === 0) {
      throw inputError(this, "clientSecret.accessors", accessors, "must list at least one principal that may read the secret");
    }

    const { ApplicationPasswordA, Rotating, SecretManagerSecret, SecretManagerSecretIamMember, SecretManagerSecretVersion } = clientSecretBindings(this);
    const rotation = new Rotating(this, "Rotation", { rotationDays: this.rotationDays });
    const validityDays = this.rotationDays * 2;
    const password = new ApplicationPasswordA(this, "Password", {
      applicationId: props.applicationResourceId,
      displayName: `terraform, rotates every ${this.rotationDays} days`,
      // end_date_relative is deprecated in azuread 3.7.0 (a warning on every plan): count from the rotation's timestamp.
      endDate: Fn.timeadd(rotation.rfc3339, `${validityDays * 24}h`),
      rotateWhenChanged: { rotation: rotation.id },
      // The replacement is created before the old password is deleted, so the new secret
      // version is readable before the old value stops working.
      lifecycle: { createBeforeDestroy: true },
    });

    this.secret = new SecretManagerSecret(this, "Secret", {
      project: props.projectId,
      secretId: this.secretId,
      replication: { auto: {} },
      labels: { managed_by: "cdktf-firestore-identity" },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.secretName = this.secret.name;

    new SecretManagerSecretVersion(this, "Version", {
      secret: this.secret.id,
      secretData: password.value,
      lifecycle: { createBeforeDestroy: true },
    });

    const seen = new Set<string>();
    for (const accessor of accessors) {
      if (seen.has(accessor.iamMember)) continue;
      seen.add(accessor.iamMember);
      new SecretManagerSecretIamMember(this, this.ids.allocate("accessor", accessor.principalName, accessor.iamMember), {
        project: props.projectId,
        secretId: this.secret.secretId,
        role: SECRET_ACCESSOR_ROLE,
        member: accessor.iamMember,
      });
    }
  }
}

/**
 * Loaded with the first client secret, not with the library (~5 ms): most apps federate
 * instead, and need neither the optional peer @cdktf/provider-time nor the azuread one.
 */
function clientSecretBindings(scope: IConstruct) {
  const { ApplicationPasswordA } = requireOptionalPeer(scope, "@cdktf/provider-azuread/lib/application-password") as typeof import("@cdktf/provider-azuread/lib/application-password");
  const { SecretManagerSecret } = require("@cdktf/provider-google/lib/secret-manager-secret") as typeof import("@cdktf/provider-google/lib/secret-manager-secret");
  const { SecretManagerSecretIamMember } = require("@cdktf/provider-google/lib/secret-manager-secret-iam-member") as typeof import("@cdktf/provider-google/lib/secret-manager-secret-iam-member");
  const { SecretManagerSecretVersion } = require("@cdktf/provider-google/lib/secret-manager-secret-version") as typeof import("@cdktf/provider-google/lib/secret-manager-secret-version");
  const { Rotating } = requireOptionalPeer(scope, "@cdktf/provider-time/lib/rotating") as typeof import("@cdktf/provider-time/lib/rotating");
  return { ApplicationPasswordA, Rotating, SecretManagerSecret, SecretManagerSecretIamMember, SecretManagerSecretVersion };
}
