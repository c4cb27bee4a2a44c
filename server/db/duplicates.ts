import { MongoBulkWriteError, type Document } from "mongodb";

const DUPLICATE_KEY = 11000;

/**
 * Whether a write failed only because its unique key exists already: the idempotency gate of
 * every "insert first" step (events, ledger entries, identities, orders, claims).
 *
 * @param error what the write threw.
 * @returns true for MongoDB's duplicate-key error.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/**
 * Insert documents unordered; those whose unique key is taken are skipped, not errors.
 *
 * @param collection the driver collection (Model.collection).
 * @param docs documents with their _id set.
 * @returns batch positions that were already stored.
 */
export async function insertNew(collection: { insertMany(docs: Document[], options: { ordered: false }): Promise<unknown> }, docs: Document[]): Promise<Set<number>> {
  if (docs.length === 0) {
    return new Set();
  }
  try {
    await collection.insertMany(docs, { ordered: false });
    return new Set();
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) {
      throw error;
    }
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) {
      throw error;
    }
    return new Set(writeErrors.map((writeError) => writeError.index));
  }
}
