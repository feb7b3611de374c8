import type { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { Fn } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { StableIds } from "../core/naming";
import { requireOptionalPeer } from "../core/optional-peer";
import { IPrincipal } from "../core/principal";
import { check, checkOptional, checkShape, inputError } from "../core/validate";
import { PROJECT_ID } from "../gcp/gcp-rules";
import { SECRET_LIFETIME_PERIODS, SECRET_MANAGER_SECRET_ID, SECRET_ROTATION_DAYS } from "./entra-rules";
import { SECRET_SLOTS, slotGeneration } from "./secret-generations";
import { requireCdktfApp } from "../core/supported-core";

const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
const DEFAULT_ROTATION_DAYS = 60;

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
   * Days between rotations, 1-60, and the overlap. Two passwords take turns: every period a
   * new password replaces the OLDER one and becomes the latest Secret Manager version, while
   * the other, stored at the previous rotation, stays valid. Periods are calendar-aligned and a
   * rotation happens at the first `apply` of a period (plantimestamp, Terraform 1.5+): with a
   * daily scheduled apply the password a rotation deletes was superseded about this many days
   * before, so a consumer that re-reads the secret once per period never holds a dead one;
   * sparser applies shorten that by the gap between them. Each password stays valid for three
   * periods (at most 180 days).
   * @default 60
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
 * A rotating Entra client secret stored only in Google Secret Manager, with overlap: two
 * passwords (slots A and B) are replaced in turn, one per period, so there are always two
 * valid passwords, and with daily applies the one a rotation retires was superseded about a
 * period earlier (see rotationDays).
 * Each password's value is one secret version; the newest password is the latest version.
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
    requireCdktfApp(this);
    checkShape(this, "clientSecret", props, { projectId: "string", secretId: "string", accessors: "principal[]", rotationDays: "whole-number?", preventDestroy: "boolean?", applicationResourceId: "string" });
    check(this, "clientSecret.projectId", props.projectId, PROJECT_ID);
    this.secretId = check(this, "clientSecret.secretId", props.secretId, SECRET_MANAGER_SECRET_ID);
    this.rotationDays = checkOptional(this, "clientSecret.rotationDays", props.rotationDays, SECRET_ROTATION_DAYS) ?? DEFAULT_ROTATION_DAYS;
    const accessors = props.accessors ?? [];
    if (accessors.length === 0) {
      throw inputError(this, "clientSecret.accessors", accessors, "must list at least one principal that may read the secret");
    }

    const { ApplicationPasswordA, StaticResource, SecretManagerSecret, SecretManagerSecretIamMember, SecretManagerSecretVersion } = clientSecretBindings(this);
    this.secret = new SecretManagerSecret(this, "Secret", {
      project: props.projectId,
      secretId: this.secretId,
      replication: { auto: {} },
      labels: { managed_by: "cdktf-firestore-identity" },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.secretName = this.secret.name;

    const lifetimeHours = this.rotationDays * SECRET_LIFETIME_PERIODS * 24;
    for (const slot of SECRET_SLOTS) {
      const generation = slotGeneration(slot, this.rotationDays);
      // Re-stamped only when the slot's generation changes: the password's lifetime counts from there.
      const issued = new StaticResource(this, `Issued${slot}`, { triggers: { generation } });
      const password = new ApplicationPasswordA(this, `Password${slot}`, {
        applicationId: props.applicationResourceId,
        displayName: `terraform slot ${slot}: replaced every ${this.rotationDays * 2} days, the other slot ${this.rotationDays} days apart`,
        // end_date_relative is deprecated in azuread 3.7.0 (a warning on every plan): count from the slot's stamp.
        endDate: Fn.timeadd(issued.rfc3339, `${lifetimeHours}h`),
        rotateWhenChanged: { generation },
        // The replacement is created before the old password is deleted.
        lifecycle: { createBeforeDestroy: true },
      });
      new SecretManagerSecretVersion(this, `Version${slot}`, {
        secret: this.secret.id,
        secretData: password.value,
        lifecycle: { createBeforeDestroy: true },
      });
    }

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
  const { StaticResource } = requireOptionalPeer(scope, "@cdktf/provider-time/lib/static-resource") as typeof import("@cdktf/provider-time/lib/static-resource");
  return { ApplicationPasswordA, StaticResource, SecretManagerSecret, SecretManagerSecretIamMember, SecretManagerSecretVersion };
}
