import { isDuplicateKeyError } from "../db/duplicates.ts";

/** A collection of settings whose _id is the version number (the programme, the task rules). */
interface VersionedModel {
  findOne(): { sort(order: { _id: -1 }): { lean(): PromiseLike<{ _id: number } | null> } };
  create(doc: Record<string, unknown>): Promise<unknown>;
}

/**
 * Save a new version: the highest stored plus one. Earlier versions stay as the history.
 *
 * @param model the settings' model.
 * @param fields what the version holds (besides its number).
 * @returns the new version number.
 */
export async function saveVersion(model: VersionedModel, fields: Record<string, unknown>): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const latest = await model.findOne().sort({ _id: -1 }).lean();
    const version = (latest?._id ?? 0) + 1;
    try {
      await model.create({ _id: version, ...fields });
      return version;
    } catch (error) {
      // Two people saved at once: take the next number.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }
  throw new Error("could not allocate a settings version");
}
