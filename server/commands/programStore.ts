import { DEFAULT_PROGRAM, ProgramSchema, type Program } from "../domain/program.ts";
import { ProgramSettings } from "../models/ProgramSettings.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

/**
 * The program in force: the highest saved version, or the default before the first save.
 *
 * @returns the program and its version (0 = default).
 */
export async function currentProgram(): Promise<{ version: number; program: Program }> {
  const latest = await ProgramSettings.findOne().sort({ _id: -1 }).lean();
  if (!latest) {
    return { version: 0, program: DEFAULT_PROGRAM };
  }
  return { version: latest._id, program: ProgramSchema.parse(latest.program) };
}

interface Props {
  program: Program;
  savedBy: string | null;
  now: Date;
}

/**
 * Save a new version of the program; earlier versions stay as its history.
 *
 * @param props the validated program, who saved it and when.
 * @returns the new version number.
 */
export default async function programSaver({ program, savedBy, now }: Props): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { version } = await currentProgram();
    try {
      await ProgramSettings.create({ _id: version + 1, program, savedBy, savedAt: now });
      return version + 1;
    } catch (error) {
      // Two operators saved at once: take the next number.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }
  throw new Error("could not allocate a program version");
}
