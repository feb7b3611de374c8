import type { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { Construct } from "constructs";
import { check, checkEach, checkShape, checkTextOptional } from "../core/validate";
import { CUSTOM_ROLE_DESCRIPTION, CUSTOM_ROLE_ID, CUSTOM_ROLE_TITLE, DATASTORE_PERMISSION, PERMISSION_LIST } from "./firestore-rules";
import { PROJECT_ID } from "./gcp-rules";
import { requireCdktfApp } from "../core/supported-core";

export interface FirestoreCustomRoleProps {
  /** The project the role is defined in; it can be granted on databases of this project only. */
  readonly projectId: string;
  /** 3-64 characters of [a-zA-Z0-9_.]. */
  readonly roleId: string;
  /**
   * Firestore permissions only (`datastore.<resource>.<verb>`); see FirestorePermissions for
   * ready-made sets. Duplicates are merged and the list is sorted, so order never causes a diff.
   */
  readonly permissions: string[];
  /** At most 100 characters. @default the role id */
  readonly title?: string;
  /** At most 256 characters; say who needs this narrower access and why. */
  readonly description?: string;
}

/**
 * A project-level custom role made of chosen Firestore permissions, for principals that need
 * less than roles/datastore.user. Grant it with `database.grantCustomRole(principal, role)`,
 * which adds the same one-database condition as every other grant.
 */
export class FirestoreCustomRole extends Construct {
  public readonly projectId: string;
  public readonly roleId: string;
  /** The sorted, de-duplicated permissions the role holds. */
  public readonly permissions: string[];
  /** `projects/PROJECT/roles/ROLE_ID`, referenced from the resource so bindings wait for the role. */
  public readonly roleName: string;
  public readonly resource: ProjectIamCustomRole;

  constructor(scope: Construct, id: string, props: FirestoreCustomRoleProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { projectId: "string", roleId: "string", permissions: "string[]", title: "string?", description: "string?" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    this.roleId = check(this, "roleId", props.roleId, CUSTOM_ROLE_ID);
    check(this, "permissions", props.permissions, PERMISSION_LIST);
    checkEach(this, "permissions", props.permissions, DATASTORE_PERMISSION);
    const title = checkTextOptional(this, "title", props.title, CUSTOM_ROLE_TITLE);
    const description = checkTextOptional(this, "description", props.description, CUSTOM_ROLE_DESCRIPTION);

    this.permissions = [...new Set(props.permissions)].sort();
    // Loaded on first use rather than with the library: most apps grant predefined roles only.
    const { ProjectIamCustomRole } = require("@cdktf/provider-google/lib/project-iam-custom-role") as typeof import("@cdktf/provider-google/lib/project-iam-custom-role");
    this.resource = new ProjectIamCustomRole(this, "Resource", {
      project: props.projectId,
      roleId: props.roleId,
      title: title ?? props.roleId,
      description,
      permissions: this.permissions,
      stage: "GA",
    });
    this.roleName = this.resource.name;
  }
}
