import { z } from "zod";
import { TaskRulesSchema } from "../../domain/taskRules.ts";

/** `PUT /task-rules`: every kind's rule at once (the page saves the whole set). */
export const TaskRulesPutSchema = z.object({ body: TaskRulesSchema });
