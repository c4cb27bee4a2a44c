import { chinaDate, chinaDayNumber } from "./chinaTime.ts";
import { levelProgress, yuanText, type Program } from "./program.ts";
import type { TaskValues } from "./taskRules.ts";

/** What a task's template can be filled with for one member. */
export interface TaskSubject {
  customerName: string;
  guideName: string;
  /** Absent for a customer who is not a member. */
  levelCode?: string | null;
  growth?: number | null;
  birthday?: string | null;
  benefitName?: string | null;
  expiresAt?: Date | null;
  lastPurchaseAt?: Date | null;
}

/**
 * @param date a YYYY-MM-DD or MM-DD day.
 * @returns it as people say it: 12月8日.
 */
export function monthDay(date: string): string {
  const match = /(\d{2})-(\d{2})$/.exec(date);
  return match ? `${Number(match[1])}月${Number(match[2])}日` : "";
}

/**
 * @param subject the member and the occasion.
 * @param program the programme in force (level names, the amount to the next level).
 * @param now the clock.
 * @returns every variable this subject can fill.
 */
export function taskValues(subject: TaskSubject, program: Program, now: Date): TaskValues {
  const values: TaskValues = { "{客户昵称}": subject.customerName, "{导购姓名}": subject.guideName };
  if (subject.levelCode) {
    const progress = levelProgress(program, subject.levelCode, subject.growth ?? 0);
    values["{会员等级}"] = progress.current.name;
    if (progress.next) {
      values["{下一等级}"] = progress.next.name;
      values["{还差金额}"] = progress.spendNeededFen !== null ? yuanText(progress.spendNeededFen) : "";
    }
  }
  if (subject.birthday) {
    values["{生日}"] = monthDay(subject.birthday);
  }
  if (subject.benefitName) {
    values["{权益名称}"] = subject.benefitName;
  }
  if (subject.expiresAt) {
    values["{过期日期}"] = monthDay(chinaDate(subject.expiresAt));
  }
  if (subject.lastPurchaseAt) {
    values["{上次购买}"] = monthDay(chinaDate(subject.lastPurchaseAt));
    values["{未购天数}"] = String(chinaDayNumber(now) - chinaDayNumber(subject.lastPurchaseAt));
  }
  return values;
}

/**
 * The values of the rules page's preview: a made-up member one level below the programme's
 * second-highest level, so {还差金额} and {下一等级} read as they would for a real one.
 *
 * @param program the programme in force.
 * @param now the clock.
 * @returns the sample's values.
 */
export function sampleValues(program: Program, now: Date): TaskValues {
  const level = program.levels[Math.max(0, program.levels.length - 3)] ?? program.levels[0];
  const next = program.levels[program.levels.indexOf(level as never) + 1];
  const day = 86_400_000;
  // 380 yuan short of the next level, the example operators know from the brief.
  const growth = next ? Math.max(level?.threshold ?? 0, next.threshold - 380 * program.growth.perYuan) : (level?.threshold ?? 0);
  return taskValues(
    {
      customerName: "王小美",
      guideName: "李导购",
      levelCode: level?.code ?? null,
      growth,
      birthday: chinaDate(new Date(now.getTime() + 3 * day)),
      benefitName: program.benefits[0]?.name ?? "银卡专享券",
      expiresAt: new Date(now.getTime() + 3 * day),
      lastPurchaseAt: new Date(now.getTime() - 95 * day),
    },
    program,
    now,
  );
}
