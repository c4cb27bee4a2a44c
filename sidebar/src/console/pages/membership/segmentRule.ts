// The segment rule builder's form state, and its conversion to and from the rule the server
// takes (server/domain/segmentRule.ts). Empty pickers are left out of the rule: on the server an
// empty list means "no condition", and leaving it out keeps saved rules small and readable.
import type { SegmentRule } from "@server/presenters/segment";
import { channelLabel, yuan } from "../../format";

type Range = NonNullable<SegmentRule["points"]>;

/** The paths of a saved segment's rule that the builder has a field for. */
export const RULE_FIELDS = [
  "rule.tags.any",
  "rule.tags.all",
  "rule.tags.none",
  "rule.levels",
  "rule.minLevel",
  "rule.points",
  "rule.spentFen",
  "rule.lastPurchaseWithinDays",
  "rule.noPurchaseForDays",
  "rule.rfm",
  "rule.birthdayMonth",
  "rule.channels",
  "rule.stores",
  "rule.guides",
  "rule.groups",
] as const;

/** What the builder edits. Money in yuan; null = not set. */
export interface SegmentDraft {
  tagsAny: string[];
  tagsAll: string[];
  tagsNone: string[];
  levelMode: "any" | "levels" | "minLevel";
  levels: string[];
  minLevel: string;
  pointsMin: number | null;
  pointsMax: number | null;
  spentMinYuan: number | null;
  spentMaxYuan: number | null;
  r: number[];
  f: number[];
  m: number[];
  lastPurchaseWithinDays: number | null;
  noPurchaseForDays: number | null;
  birthdayMonth: number[];
  channels: string[];
  stores: string[];
  guides: string[];
  groups: string[];
}

const isSet = (value: number | null | undefined): value is number => typeof value === "number" && Number.isFinite(value);

function range(min: number | null, max: number | null, scale = 1): Range | undefined {
  if (!isSet(min) && !isSet(max)) {
    return undefined;
  }
  return { ...(isSet(min) ? { min: Math.round(min * scale) } : {}), ...(isSet(max) ? { max: Math.round(max * scale) } : {}) };
}

const list = <T>(values: T[]) => (values.length > 0 ? [...values] : undefined);

/**
 * @param rule a saved rule, or nothing for a new segment.
 * @returns the builder's state.
 */
export function draftFromRule(rule: SegmentRule = {}): SegmentDraft {
  return {
    tagsAny: [...(rule.tags?.any ?? [])],
    tagsAll: [...(rule.tags?.all ?? [])],
    tagsNone: [...(rule.tags?.none ?? [])],
    levelMode: rule.minLevel !== undefined ? "minLevel" : rule.levels?.length ? "levels" : "any",
    levels: [...(rule.levels ?? [])],
    minLevel: rule.minLevel ?? "",
    pointsMin: rule.points?.min ?? null,
    pointsMax: rule.points?.max ?? null,
    spentMinYuan: rule.spentFen?.min !== undefined ? rule.spentFen.min / 100 : null,
    spentMaxYuan: rule.spentFen?.max !== undefined ? rule.spentFen.max / 100 : null,
    r: [...(rule.rfm?.r ?? [])],
    f: [...(rule.rfm?.f ?? [])],
    m: [...(rule.rfm?.m ?? [])],
    lastPurchaseWithinDays: rule.lastPurchaseWithinDays ?? null,
    noPurchaseForDays: rule.noPurchaseForDays ?? null,
    birthdayMonth: [...(rule.birthdayMonth ?? [])],
    channels: [...(rule.channels ?? [])],
    stores: [...(rule.stores ?? [])],
    guides: [...(rule.guides ?? [])],
    groups: [...(rule.groups ?? [])],
  };
}

/**
 * @param draft the builder's state.
 * @returns the rule, with only the conditions set.
 */
export function ruleFromDraft(draft: SegmentDraft): SegmentRule {
  const tags = { any: list(draft.tagsAny), all: list(draft.tagsAll), none: list(draft.tagsNone) };
  const rfm = { r: list(draft.r), f: list(draft.f), m: list(draft.m) };
  const entries: Array<[keyof SegmentRule, unknown]> = [
    ["tags", tags.any || tags.all || tags.none ? stripUndefined(tags) : undefined],
    ["levels", draft.levelMode === "levels" ? list(draft.levels) : undefined],
    // Sent even when no level is picked, so the server says the level is missing instead of the
    // rule silently meaning every member.
    ["minLevel", draft.levelMode === "minLevel" ? draft.minLevel : undefined],
    ["points", range(draft.pointsMin, draft.pointsMax)],
    ["rfm", rfm.r || rfm.f || rfm.m ? stripUndefined(rfm) : undefined],
    ["spentFen", range(draft.spentMinYuan, draft.spentMaxYuan, 100)],
    ["lastPurchaseWithinDays", isSet(draft.lastPurchaseWithinDays) ? draft.lastPurchaseWithinDays : undefined],
    ["noPurchaseForDays", isSet(draft.noPurchaseForDays) ? draft.noPurchaseForDays : undefined],
    ["birthdayMonth", list([...draft.birthdayMonth].sort((a, b) => a - b))],
    ["channels", list(draft.channels)],
    ["stores", list(draft.stores)],
    ["guides", list(draft.guides)],
    ["groups", list(draft.groups)],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as SegmentRule;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

/** Names to show instead of ids. */
export interface RuleNames {
  tag: (id: string) => string;
  level: (code: string) => string;
  store: (id: string) => string;
}

const between = (value: Range, unit: (n: number) => string) =>
  value.min !== undefined && value.max !== undefined ? `${unit(value.min)}–${unit(value.max)}` : value.min !== undefined ? `≥ ${unit(value.min)}` : `≤ ${unit(value.max ?? 0)}`;

/**
 * @param rule a rule.
 * @param names how to name tags, levels and stores.
 * @returns one short Chinese phrase per condition.
 */
export function describeRule(rule: SegmentRule, names: RuleNames): string[] {
  const parts: string[] = [];
  const tagList = (ids: string[]) => ids.map(names.tag).join("、");
  if (rule.tags?.any?.length) {
    parts.push(`含任一标签：${tagList(rule.tags.any)}`);
  }
  if (rule.tags?.all?.length) {
    parts.push(`含全部标签：${tagList(rule.tags.all)}`);
  }
  if (rule.tags?.none?.length) {
    parts.push(`不含标签：${tagList(rule.tags.none)}`);
  }
  if (rule.levels?.length) {
    parts.push(`等级：${rule.levels.map(names.level).join("、")}`);
  }
  if (rule.minLevel) {
    parts.push(`${names.level(rule.minLevel)}及以上`);
  }
  if (rule.points) {
    parts.push(`积分 ${between(rule.points, String)}`);
  }
  if (rule.spentFen) {
    parts.push(`累计消费 ${between(rule.spentFen, yuan)}`);
  }
  for (const key of ["r", "f", "m"] as const) {
    if (rule.rfm?.[key]?.length) {
      parts.push(`${key.toUpperCase()} ${rule.rfm[key]?.join("/")} 分`);
    }
  }
  if (rule.lastPurchaseWithinDays) {
    parts.push(`近 ${rule.lastPurchaseWithinDays} 天有购买`);
  }
  if (rule.noPurchaseForDays) {
    parts.push(`${rule.noPurchaseForDays} 天未购买`);
  }
  if (rule.birthdayMonth?.length) {
    parts.push(`生日 ${rule.birthdayMonth.join("、")} 月`);
  }
  if (rule.channels?.length) {
    parts.push(`来源：${rule.channels.map(channelLabel).join("、")}`);
  }
  if (rule.stores?.length) {
    parts.push(`门店：${rule.stores.map(names.store).join("、")}`);
  }
  if (rule.guides?.length) {
    parts.push(`导购：${rule.guides.join("、")}`);
  }
  if (rule.groups?.length) {
    parts.push(`客户群：${rule.groups.length} 个`);
  }
  return parts;
}

/** The builder's own refusals, by the rule path the server would name. */
export type DraftProblems = Partial<Record<(typeof RULE_FIELDS)[number], string>>;

function rangeProblem(min: number | null, max: number | null, label: string, whole: boolean): string {
  for (const value of [min, max]) {
    if (isSet(value) && value < 0) {
      return `${label}不能小于 0`;
    }
    if (whole && isSet(value) && !Number.isInteger(value)) {
      return `${label}须为整数`;
    }
  }
  return isSet(min) && isSet(max) && min > max ? `最高${label}不能小于最低${label}` : "";
}

/** The longest day window a rule takes (days in server/domain/segmentRule.ts). */
const MAX_DAYS = 3650;

function daysProblem(value: number | null): string {
  if (!isSet(value)) {
    return "";
  }
  if (!Number.isInteger(value)) {
    return "天数须为整数";
  }
  return value < 1 ? "天数不能小于 1" : value > MAX_DAYS ? `天数不能超过 ${MAX_DAYS.toLocaleString("en-US")}` : "";
}

/**
 * The bounds the server's SegmentRuleSchema holds the rule to, checked as typed: the inputs keep
 * what was typed (their :min/:max used to turn −5 into 0 and 5000 days into 3650, another rule),
 * so an out-of-range value is refused here and the server still refuses on its own.
 *
 * @param draft the builder's state.
 * @returns rule path → Chinese refusal, only for the conditions refused.
 */
export function draftProblems(draft: SegmentDraft): DraftProblems {
  const problems: DraftProblems = {
    "rule.points": rangeProblem(draft.pointsMin, draft.pointsMax, "积分", true),
    "rule.spentFen": rangeProblem(draft.spentMinYuan, draft.spentMaxYuan, "累计消费", false),
    "rule.lastPurchaseWithinDays": daysProblem(draft.lastPurchaseWithinDays),
    "rule.noPurchaseForDays": daysProblem(draft.noPurchaseForDays),
  };
  return Object.fromEntries(Object.entries(problems).filter(([, message]) => message)) as DraftProblems;
}
