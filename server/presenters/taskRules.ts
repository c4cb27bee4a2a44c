import type { TaskKind } from "../domain/tasks.ts";
import type { TaskRules, TaskValues, TaskVariable } from "../domain/taskRules.ts";

export type { TaskRules };

/** One kind's card on the 任务规则 page: its label and the variables its template may use. */
export interface PresentedTaskKind {
  kind: TaskKind;
  label: string;
  variables: { token: TaskVariable; label: string }[];
}

/** GET and PUT /api/console/task-rules. */
export interface PresentedTaskRules {
  /** 0 = the defaults, never saved. */
  version: number;
  rules: TaskRules;
  savedByName: string | null;
  savedAt: string | null;
  kinds: PresentedTaskKind[];
  /** The preview's made-up member, every variable filled. */
  sample: TaskValues;
  /** The programme's repurchase window, what 沉默 means when no day count is set. */
  repurchaseWindowDays: number;
}

/**
 * @param state the rules in force and who saved them.
 * @param extra the kinds' variables, the preview's values, the programme's window and the saver's name.
 * @returns the public shape.
 */
export function presentTaskRules(
  state: { version: number; rules: TaskRules; savedAt: Date | null },
  extra: { kinds: PresentedTaskKind[]; sample: TaskValues; repurchaseWindowDays: number; savedByName: string | null },
): PresentedTaskRules {
  return { version: state.version, rules: state.rules, savedAt: state.savedAt ? state.savedAt.toISOString() : null, ...extra };
}
