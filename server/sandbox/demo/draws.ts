// The demo's lucky draw: the operator creates 「年终会员幸运大转盘」 in the console and starts it;
// a hundred or so of the demo's customers draw over the past week (the draw command the draw page
// calls, with stable request ids, so running the demo again replays instead of drawing again);
// some winners of the gift fill in an address and the operator ships part of them. So the
// console's draw pages have participants, winners per prize and every fulfilment state to show.
import crypto from "node:crypto";
import { submitWinAddress } from "../../commands/drawAddress.ts";
import { forgetDraw } from "../../commands/drawCache.ts";
import takeDraw from "../../commands/drawTaker.ts";
import type { DrawParticipant } from "../../domain/drawParticipant.ts";
import { AppError } from "../../errors.ts";
import type { PresentedDraw } from "../../presenters/draw.ts";
import type { ConsoleSession } from "../consoleSession.ts";
import type { CustomerPlan } from "./customers.ts";

const SLUG = "demo-new-year";
const DAY = 86_400_000;
const REGIONS = ["上海市 静安区", "上海市 徐汇区", "杭州市 西湖区", "南京市 鼓楼区", "苏州市 姑苏区"];

/** What the demo's draw did. */
export interface DrawCounts {
  draws: number;
  wins: number;
  shipped: number;
}

// A stable choice per customer, so a second run makes the same choices.
const pick = (seed: string, modulo: number) => crypto.createHash("sha256").update(seed).digest().readUInt32BE(0) % modulo;

async function ensureDraw(operator: ConsoleSession, now: Date): Promise<PresentedDraw> {
  const body = {
    slug: SLUG,
    name: "年终会员幸运大转盘",
    startsAt: new Date(now.getTime() - 7 * DAY).toISOString(),
    endsAt: new Date(now.getTime() + 30 * DAY).toISOString(),
    rules: "1. 每人每天可抽 2 次，活动期间最多 10 次；\n2. 实物奖品请在中奖后 7 天内填写收货地址；\n3. 积分奖品即时到账，可在会员中心查看。",
    style: "wheel",
    limits: { perDay: 2, total: 10, maxWins: 3 },
    prizes: [
      { name: "品牌保温杯", kind: "physical", weight: 8, stock: 30 },
      { name: "100 积分", kind: "points", weight: 30, stock: 1000, points: 100 },
      { name: "20 积分", kind: "points", weight: 40, stock: 5000, points: 20 },
      { name: "谢谢参与", kind: "none", weight: 22, stock: 0 },
    ],
    cashBudgetFen: 0,
  };
  const created = await operator.call<PresentedDraw>("POST", "/draws", body);
  if (created.status === 201 && created.data) {
    await operator.call("POST", `/draws/${created.data.id}/status`, { status: "active" });
    forgetDraw(SLUG);
    return created.data;
  }
  const listed = await operator.call<PresentedDraw[]>("GET", `/draws?q=${SLUG}`);
  const existing = listed.data?.find((draw) => draw.slug === SLUG);
  if (!existing) {
    throw new Error(`管理后台拒绝了演示抽奖的设置（HTTP ${created.status}）：${created.message}`);
  }
  return existing;
}

/**
 * @param operator the operator's console session.
 * @param customers the demo's customers.
 * @param now the clock.
 * @returns draws taken, wins and gifts shipped.
 */
export async function runDemoDraw(operator: ConsoleSession, customers: CustomerPlan[], now: Date): Promise<DrawCounts> {
  const draw = await ensureDraw(operator, now);
  const counts: DrawCounts = { draws: 0, wins: 0, shipped: 0 };
  const people = customers.filter((customer) => pick(`draw:${customer.externalUserId}`, 100) < 8).slice(0, 150);
  for (const customer of people) {
    const participant: DrawParticipant = { key: `ext:${customer.externalUserId}`, externalUserId: customer.externalUserId };
    const times = 1 + pick(`times:${customer.externalUserId}`, 3);
    for (let n = 0; n < times; n += 1) {
      const at = new Date(now.getTime() - pick(`day:${customer.externalUserId}:${n}`, 7) * DAY - n * 60_000);
      try {
        const outcome = await takeDraw({ slug: SLUG, participant, requestId: `demo-${n}`, now: at });
        counts.draws += 1;
        if (!outcome.win) {
          continue;
        }
        counts.wins += 1;
        if (outcome.win.needsAddress && pick(`address:${customer.externalUserId}`, 3) > 0) {
          const phone = `139${String(pick(`phone:${customer.externalUserId}`, 100_000_000)).padStart(8, "0")}`;
          await submitWinAddress({ winId: outcome.win.winId, participant, address: { name: customer.name || "顾客", phone, region: REGIONS[pick(customer.externalUserId, REGIONS.length)] ?? "上海市 静安区", detail: `幸福路 ${1 + pick(`no:${customer.externalUserId}`, 300)} 号` }, now: at });
          if (pick(`ship:${customer.externalUserId}`, 2) === 0) {
            const shipped = await operator.call("PUT", `/draws/${draw.id}/winners/${outcome.win.winId}/fulfilment`, { status: "shipped", trackingNo: `SF${1_000_000_000 + pick(`sf:${customer.externalUserId}`, 900_000_000)}`, carrier: "顺丰" });
            counts.shipped += shipped.status === 200 ? 1 : 0;
          }
        }
      } catch (error) {
        // Limits and refusals (a day's draws used, the gift gone) are part of a real campaign.
        if (!(error instanceof AppError)) {
          throw error;
        }
      }
    }
  }
  return counts;
}
