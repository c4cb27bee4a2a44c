// The benefit dialog's checks before a benefit joins the programme draft. They mirror the
// server's bounds (BenefitSchema in server/domain/program.ts) so a typed value is refused at its
// field, in Chinese, and kept as typed; el-input-number's :min/:max turned 999 days into 366 and
// a cleared stock into 1. The server still refuses the programme save on its own.

/** A benefit's total stock (LIMITS.stock in server/domain/program.ts). */
const MAX_STOCK = 10_000_000;
/** A benefit's face value in yuan (LIMITS.orderFen, ¥1,000,000). */
const MAX_VALUE_YUAN = 1_000_000;

/** What the dialog edits; null = cleared. Money in yuan. */
export interface BenefitNumbers {
  claimWindowDays: number | null;
  perMember: number | null;
  /** Only checked when the stock is limited. */
  stock: number | null;
  redeemWithinDays: number | null;
  valueYuan: number | null;
}

export type BenefitNumberField = keyof BenefitNumbers;

/**
 * @param label the field's name as the operator reads it.
 * @param unit what one counts (天, 次, 件).
 * @returns the refusal for a whole number between min and max, or "".
 */
function wholeIn(value: number | null, label: string, min: number, max: number, unit: string): string {
  if (value === null || !Number.isFinite(value)) {
    return `请填写${label}`;
  }
  if (!Number.isInteger(value)) {
    return `${label}须为整数`;
  }
  if (value < min) {
    return `${label}不能少于 ${min.toLocaleString("en-US")} ${unit}`;
  }
  if (value > max) {
    return `${label}不能超过 ${max.toLocaleString("en-US")} ${unit}`;
  }
  return "";
}

/**
 * @param values the dialog's numbers.
 * @param limited whether the stock is limited (an unlimited stock has nothing to check).
 * @returns field → refusal, only for the fields refused.
 */
export function benefitProblems(values: BenefitNumbers, limited: boolean): Partial<Record<BenefitNumberField, string>> {
  const problems: Partial<Record<BenefitNumberField, string>> = {
    claimWindowDays: wholeIn(values.claimWindowDays, "领取期", 1, 366, "天"),
    perMember: wholeIn(values.perMember, "每人可领次数", 1, 100, "次"),
    stock: limited ? wholeIn(values.stock, "库存", 1, MAX_STOCK, "件") : "",
    redeemWithinDays: wholeIn(values.redeemWithinDays, "核销期限", 1, 366, "天"),
    valueYuan: valueProblem(values.valueYuan),
  };
  return Object.fromEntries(Object.entries(problems).filter(([, message]) => message)) as Partial<Record<BenefitNumberField, string>>;
}

function valueProblem(yuan: number | null): string {
  if (yuan === null || !Number.isFinite(yuan)) {
    return "请填写价值（不计价值填 0）";
  }
  if (yuan < 0) {
    return "价值不能小于 0";
  }
  return yuan > MAX_VALUE_YUAN ? `价值不能超过 ¥${MAX_VALUE_YUAN.toLocaleString("en-US")}` : "";
}
