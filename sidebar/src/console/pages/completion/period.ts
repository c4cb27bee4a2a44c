// The dashboard's periods in China days: 本周 (from Monday), 本月, 近30天, or a range picked by
// hand, at most MAX_DAYS (the server refuses more).
import type { CompletionPeriod } from "../../api/completion";

export const MAX_DAYS = 92;
export const PRESETS = [
  { value: "week", label: "本周" },
  { value: "month", label: "本月" },
  { value: "30", label: "近30天" },
  { value: "custom", label: "自定义" },
] as const;
export type Preset = (typeof PRESETS)[number]["value"];

const DAY = 86_400_000;
const chinaDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * @param preset a preset (not custom).
 * @param now the time.
 * @returns its first and last China day.
 */
export function presetRange(preset: Exclude<Preset, "custom">, now = Date.now()): [string, string] {
  const today = chinaDay(now);
  if (preset === "month") {
    return [`${today.slice(0, 8)}01`, today];
  }
  if (preset === "week") {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    return [chinaDay(now - weekday * DAY), today];
  }
  return [chinaDay(now - 29 * DAY), today];
}

/**
 * @param range a picked range.
 * @returns why it cannot be asked for, or null.
 */
export function rangeProblem(range: [string, string] | null): string | null {
  if (!range) {
    return "请选择开始和结束日期";
  }
  const days = (Date.parse(`${range[1]}T00:00:00Z`) - Date.parse(`${range[0]}T00:00:00Z`)) / DAY + 1;
  return days > MAX_DAYS ? `时间范围不能超过 ${MAX_DAYS} 天` : null;
}

/** The query a view is asked with, from the route's query. */
export function periodOf(query: Record<string, unknown>): CompletionPeriod & { preset: Preset } {
  const preset = (PRESETS.some((option) => option.value === query.preset) ? query.preset : "week") as Preset;
  const [from, to] = preset === "custom" && typeof query.from === "string" && typeof query.to === "string" ? [query.from, query.to] : presetRange(preset === "custom" ? "week" : preset);
  const kind = typeof query.kind === "string" && query.kind ? (query.kind as CompletionPeriod["kind"]) : undefined;
  return { preset, from, to, kind };
}
