import type { PresentedProgramState, PresentedProgramVersion, Program } from "@server/presenters/program";
import { api } from "@shared/api";
import { consoleUrl } from "./base";

/** The programme in force. */
export const fetchProgram = () => api.get<PresentedProgramState>(consoleUrl("/program"));

/** Save a new version of the programme. */
export const saveProgram = (program: Program) => api.put<PresentedProgramState>(consoleUrl("/program"), program);

/** Saved versions, newest first. */
export const fetchProgramHistory = () => api.get<PresentedProgramVersion[]>(consoleUrl("/program/history"));
