import type { Program } from "../domain/program.ts";
import type { ProgramSettingsAttrs } from "../models/ProgramSettings.ts";

export type { Program };
export type Level = Program["levels"][number];
export type ProgramBenefit = Program["benefits"][number];

/** The programme in force (version 0: the default, never saved), also what a save answers. */
export interface PresentedProgramState {
  version: number;
  program: Program;
}

/** One saved version, for the history. */
export interface PresentedProgramVersion {
  version: number;
  savedBy: string | null;
  /** Who saved it, by name ("API 令牌" for a script; the id when the employee is unknown). */
  savedByName: string | null;
  savedAt: string;
  program: Program;
}

/**
 * @param state the version number and the programme.
 * @returns the public shape.
 */
export function presentProgramState(state: { version: number; program: Program }): PresentedProgramState {
  return { version: state.version, program: state.program };
}

/**
 * @param settings a stored version (its _id is the version number).
 * @param program the programme it holds, as read back.
 * @param names employee names by user id (the savers').
 * @returns the public shape.
 */
export function presentProgramVersion(settings: ProgramSettingsAttrs & { _id: number }, program: Program, names: ReadonlyMap<string, string> = new Map()): PresentedProgramVersion {
  const savedBy = settings.savedBy ?? null;
  const savedByName = savedBy === null ? null : savedBy === "api_token" ? "API 令牌" : (names.get(savedBy) ?? savedBy);
  return { version: settings._id, savedBy, savedByName, savedAt: settings.savedAt.toISOString(), program };
}
