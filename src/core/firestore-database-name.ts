/**
 * Anything that names one Firestore database by its resource name: a FirestoreDatabase,
 * `FirestoreDatabase.fromExisting(...)`. What the access simulator and the matchers accept in
 * place of the `projects/P/databases/D` string, so a test can pass the object it holds.
 */
export interface IFirestoreDatabaseName {
  /** `projects/PROJECT_ID/databases/DATABASE_ID`. */
  readonly databaseName: string;
}
