import { DEFAULT_TASK_RULES, withDefaults, type TaskRules } from "../domain/taskRules.ts";
import { TaskSettings } from "../models/TaskSettings.ts";
import { saveVersion } from "./versionedSettings.ts";

/**
 * The task rules in force: the highest saved version, or the defaults before the first save.
 *
 * @returns the rules, their version (0 = defaults), and who saved them when.
 */
export async function currentTaskRules(): Promise<{ version: number; rules: TaskRules; savedBy: string | null; savedAt: Date | null }> {
  const latest = await TaskSettings.findOne().sort({ _id: -1 }).lean();
  if (!latest) {
    return { version: 0, rules: DEFAULT_TASK_RULES, savedBy: null, savedAt: null };
  }
  return { version: latest._id, rules: withDefaults(latest.rules as Record<string, Record<string, unknown>>), savedBy: latest.savedBy ?? null, savedAt: latest.savedAt };
}

interface Props {
  rules: TaskRules;
  savedBy: string | null;
  now: Date;
}

/**
 * Save a new version of the task rules; earlier versions stay as their history.
 *
 * @param props the validated rules, who saved them and when.
 * @returns the new version number.
 */
export default async function taskRuleSaver({ rules, savedBy, now }: Props): Promise<number> {
  return saveVersion(TaskSettings, { rules, savedBy, savedAt: now });
}
