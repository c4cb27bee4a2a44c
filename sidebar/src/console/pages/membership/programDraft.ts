// The programme editor's draft: a deep copy to edit, and what a save sends.
import type { Program } from "@server/presenters/program";

/**
 * @param program a programme.
 * @returns a deep copy to edit.
 */
export const cloneProgram = (program: Program): Program => JSON.parse(JSON.stringify(program)) as Program;

/**
 * What is sent on save: a cleared stock means unlimited, which the server expects as absent.
 *
 * @param program the edited programme.
 * @returns the body of `PUT /program`.
 */
export function programToSave(program: Program): Program {
  const copy = cloneProgram(program);
  copy.benefits = copy.benefits.map((benefit) => {
    const { stock, ...rest } = benefit;
    return typeof stock === "number" ? { ...rest, stock } : rest;
  });
  return copy;
}

/** The paths of PUT /program the editor has fields for (server refusals naming them are shown there). */
export const PROGRAM_FIELDS = [
  "levels",
  "growth",
  "points.perYuan",
  "points.perTask",
  "points.expiryMonths",
  "levelValidity",
  "repurchaseWindowDays",
  "rfm.recencyDays",
  "rfm.frequency",
  "rfm.monetary",
  "benefits",
] as const;
