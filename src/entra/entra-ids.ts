import { uuidV5 } from "../core/naming";

/**
 * Namespace of every app-role and scope id this library derives. Changing it would
 * change every id, which Entra treats as deleting and re-creating the roles (and so
 * dropping their assignments): it is fixed forever.
 */
export const ENTRA_ID_NAMESPACE = "efa9a020-43a9-556b-b461-7e8f7f6149d3";

/** The id of an app role or delegated scope: a function of its value only. */
export function entraPermissionId(value: string): string {
  return uuidV5(value, ENTRA_ID_NAMESPACE);
}
