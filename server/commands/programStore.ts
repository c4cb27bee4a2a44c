import { DEFAULT_PROGRAM, ProgramSchema, type Program } from "../domain/program.ts";
import { ProgramSettings } from "../models/ProgramSettings.ts";
import { saveVersion } from "./versionedSettings.ts";

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
  return saveVersion(ProgramSettings, { program, savedBy, savedAt: now });
}
