import type { PresentedTaskRules, TaskRules } from "@server/presenters/taskRules";
import { api } from "@shared/api";
import { consoleUrl } from "./base";

/** The task rules in force, each kind's variables and the preview member. */
export const fetchTaskRules = () => api.get<PresentedTaskRules>(consoleUrl("/task-rules"));

/** Save every kind's rule as a new version. */
export const saveTaskRules = (rules: TaskRules) => api.put<PresentedTaskRules>(consoleUrl("/task-rules"), rules);
