import type { Types } from "mongoose";
import type { TagApplicationAttrs } from "../models/TagApplication.ts";
import type { TagRuleAttrs, TagRuleTrigger } from "../models/TagRule.ts";

/** What a rule matches on; which keys count depends on the trigger. */
export interface TagRuleCondition {
  states?: string[];
  chatIds?: string[];
  levels?: string[];
  r?: number[];
  f?: number[];
  m?: number[];
}

export interface PresentedTagRule {
  id: string;
  name: string;
  trigger: TagRuleTrigger;
  condition: TagRuleCondition;
  tagIds: string[];
  enabled: boolean;
}

/** Why a rule put a tag on a follow. */
export interface PresentedTagReason {
  userId: string;
  tagId: string;
  ruleId: string;
  reason: string;
  at: string;
}

// mongoose answers unset arrays of a subdocument as []; a condition lists only what it names.
function conditionOf(stored: TagRuleAttrs["condition"] | null | undefined): TagRuleCondition {
  const condition: TagRuleCondition = {};
  for (const key of ["states", "chatIds", "levels"] as const) {
    const values = stored?.[key];
    if (values && values.length > 0) {
      condition[key] = [...values];
    }
  }
  for (const key of ["r", "f", "m"] as const) {
    const values = stored?.[key];
    if (values && values.length > 0) {
      condition[key] = [...values];
    }
  }
  return condition;
}

/**
 * An auto-tag rule.
 *
 * @param rule the stored rule.
 * @returns the public shape.
 */
export function presentTagRule(rule: TagRuleAttrs & { _id: Types.ObjectId }): PresentedTagRule {
  return { id: String(rule._id), name: rule.name, trigger: rule.trigger, condition: conditionOf(rule.condition), tagIds: [...rule.tagIds], enabled: rule.enabled };
}

/**
 * Why a rule tagged a customer (for the console's member page).
 *
 * @param application the stored tag application.
 * @returns the public shape.
 */
export function presentTagReason(application: TagApplicationAttrs): PresentedTagReason {
  return { userId: application.userId, tagId: application.tagId, ruleId: String(application.ruleId), reason: application.reason, at: application.at.toISOString() };
}
