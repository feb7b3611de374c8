/** Non-Firestore IAM roles this library grants, written once. */
export const IAM_ROLES = {
  workloadIdentityUser: "roles/iam.workloadIdentityUser",
} as const;
