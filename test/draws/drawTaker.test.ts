import assert from "node:assert/strict";
import { configureWeChatPay } from "../../server/commands/cashPayout.ts";
import { forgetDraw } from "../../server/commands/drawCache.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import type { DrawOutcome } from "../../server/domain/drawShapes.ts";
import { DrawAudit } from "../../server/models/DrawAudit.ts";
import { DrawQuota } from "../../server/models/DrawQuota.ts";
import { DrawRecord } from "../../server/models/DrawRecord.ts";
import { DrawStock } from "../../server/models/DrawStock.ts";
import { DrawWin } from "../../server/models/DrawWin.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { BenefitClaim } from "../../server/models/BenefitClaim.ts";
import { resetDatabase } from "../support/hooks.ts";
import { useTestPay } from "../wechatpay/support.ts";
import { aCustomer, aDraw, aMember, aWeChatUser, drawOrRefusal, NOW } from "./coreSupport.ts";

const isOutcome = (value: DrawOutcome | string): value is DrawOutcome => typeof value !== "string";
const DAY = 86_400_000;

describe("takeDraw: exact stock, limits, budget and idempotency", function () {
  this.timeout(180_000);
  beforeEach(() => resetDatabase());

  it("should give exactly 10 winners for 1,000 concurrent draws on a prize with stock 10", async () => {
    const draw = await aDraw({ prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 10 }, { name: "谢谢参与", kind: "none", weight: 1, stock: 0 }] });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, n) => drawOrRefusal(draw, aCustomer(n))));
    const outcomes = results.filter(isOutcome);
    const winners = outcomes.filter((outcome) => outcome.won);
    assert.equal(winners.length, 10);
    assert.equal(await DrawWin.countDocuments({ drawId: draw._id }), 10);
    assert.equal(new Set(winners.map((outcome) => outcome.win?.winId)).size, 10);
    const stock = await DrawStock.findById(`${String(draw._id)}:${draw.prizes[0]!.id}`).lean();
    assert.equal(stock?.left, 0);
    // Once the prize is gone, a draw is refused as sold out; nothing else is refused.
    assert.deepEqual([...new Set(results.filter((result) => typeof result === "string"))], results.some((result) => typeof result === "string") ? ["draw_sold_out"] : []);
    assert.equal(await DrawRecord.countDocuments({ drawId: draw._id, state: "done" }), outcomes.length);
    assert.equal(await DrawAudit.countDocuments({ drawId: draw._id, kind: "win" }), 10);
  });

  it("should hold per-day and total limits under 50 concurrent draws of one person, counted by China day", async () => {
    const draw = await aDraw({ limits: { perDay: 3, total: 5, maxWins: null }, prizes: [{ name: "谢谢参与", kind: "none", weight: 1, stock: 0 }, { name: "保温杯", kind: "physical", weight: 1, stock: 1000 }] });
    const person = aCustomer("limit");
    const first = await Promise.all(Array.from({ length: 50 }, () => drawOrRefusal(draw, person)));
    assert.equal(first.filter(isOutcome).length, 3);
    assert.equal(first.filter((result) => result === "draw_no_draws_left").length, 47);
    // 23:59 Beijing is still the same China day; 00:00 is the next one.
    const chinaMidnight = new Date(Date.UTC(2026, 11, 4, 16, 0, 0));
    assert.equal(await drawOrRefusal(draw, person, "late", new Date(chinaMidnight.getTime() - 60_000)), "draw_no_draws_left");
    const second = await Promise.all(Array.from({ length: 50 }, () => drawOrRefusal(draw, person, undefined, chinaMidnight)));
    assert.equal(second.filter(isOutcome).length, 2, "the total (5) caps the second day");
    const quota = await DrawQuota.findById(`${String(draw._id)}:${person.key}`).lean();
    assert.equal(quota?.total, 5);
    const last = second.filter(isOutcome).at(-1);
    assert.ok(last && last.left.total !== null && last.left.total >= 0);
    assert.equal(await DrawRecord.countDocuments({ drawId: draw._id }), 5);
  });

  it("should hold maxWins under concurrency (extra picks become thanks, the stock is put back)", async () => {
    const draw = await aDraw({ limits: { perDay: null, total: null, maxWins: 1 }, prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 100 }] });
    const person = aCustomer("lucky");
    const all = await Promise.all(Array.from({ length: 20 }, () => drawOrRefusal(draw, person)));
    const results = all.filter(isOutcome);
    assert.deepEqual(results.length, 20, JSON.stringify(all.filter((result) => typeof result === "string")));
    assert.equal(results.filter((outcome) => outcome.won).length, 1);
    const stock = await DrawStock.findById(`${String(draw._id)}:${draw.prizes[0]!.id}`).lean();
    assert.equal(stock?.left, 99);
    assert.equal((await DrawQuota.findById(`${String(draw._id)}:${person.key}`).lean())?.wins, 1);
  });

  it("should never take the cash budget below zero", async () => {
    useTestPay();
    const draw = await aDraw({ cashBudgetFen: 550, prizes: [{ name: "现金红包", kind: "cash", weight: 1, stock: 100, amountFen: 100 }] });
    // Payouts themselves are tested in test/wechatpay; here WeChat Pay goes away after the draw is set up.
    configureWeChatPay(null);
    const results = await Promise.all(Array.from({ length: 60 }, (_, n) => drawOrRefusal(draw, aWeChatUser(n))));
    const winners = results.filter(isOutcome).filter((outcome) => outcome.won);
    assert.equal(winners.length, 5);
    const budget = await DrawStock.findById(`${String(draw._id)}:budget`).lean();
    assert.equal(budget?.left, 50);
    const prize = await DrawStock.findById(`${String(draw._id)}:${draw.prizes[0]!.id}`).lean();
    assert.equal(prize?.left, 95, "a prize taken without budget is put back");
    assert.ok(results.every((result) => isOutcome(result) || result === "draw_sold_out"));
  });

  it("should answer the same request id with the same outcome, drawing once (in turn and concurrently)", async () => {
    const draw = await aDraw({ limits: { perDay: 10, total: null, maxWins: null }, prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 5 }, { name: "谢谢参与", kind: "none", weight: 1, stock: 0 }] });
    const person = aCustomer("retry");
    const first = await takeDraw({ slug: draw.slug, participant: person, requestId: "req-1", now: NOW });
    const again = await takeDraw({ slug: draw.slug, participant: person, requestId: "req-1", now: NOW });
    assert.equal(first.replayed, false);
    assert.equal(again.replayed, true);
    assert.equal(again.won, first.won);
    assert.equal(again.prize?.id, first.prize?.id);
    assert.equal(again.win?.winId, first.win?.winId);
    const twins = await Promise.all(Array.from({ length: 10 }, () => takeDraw({ slug: draw.slug, participant: person, requestId: "req-2", now: NOW })));
    assert.equal(new Set(twins.map((outcome) => `${outcome.won}:${outcome.prize?.id}:${outcome.win?.winId}`)).size, 1);
    assert.equal(twins.filter((outcome) => !outcome.replayed).length, 1);
    assert.equal(await DrawRecord.countDocuments({ drawId: draw._id }), 2);
    assert.equal((await DrawQuota.findById(`${String(draw._id)}:${person.key}`).lean())?.total, 2);
    // Another person with the same request id is another draw.
    await takeDraw({ slug: draw.slug, participant: aCustomer("other"), requestId: "req-1", now: NOW });
    assert.equal(await DrawRecord.countDocuments({ drawId: draw._id }), 3);
  });

  it("should grant points once per win through the ledger, a retry posting nothing", async () => {
    const memberId = await aMember("regular");
    const draw = await aDraw({ prizes: [{ name: "50 积分", kind: "points", weight: 1, stock: 10, points: 50 }] });
    const person = aCustomer("points", { memberId });
    const outcome = await takeDraw({ slug: draw.slug, participant: person, requestId: "p-1", now: NOW });
    assert.equal(outcome.win?.status, "granted");
    await takeDraw({ slug: draw.slug, participant: person, requestId: "p-1", now: NOW });
    const entries = await LedgerEntry.find({ memberId }).lean();
    assert.deepEqual(entries.map((entry) => [entry._id, entry.delta]), [[`points:draw-win:${outcome.win?.winId}`, 50]]);
    assert.equal((await Member.findById(memberId).lean())?.points, 50);
    const second = await takeDraw({ slug: draw.slug, participant: person, requestId: "p-2", now: NOW });
    assert.equal((await Member.findById(memberId).lean())?.points, 100);
    assert.notEqual(second.win?.winId, outcome.win?.winId);
  });

  it("should claim a benefit through the benefit claimer, and keep its refusal as the reason", async () => {
    const silver = await aMember("silver");
    const regular = await aMember("regular");
    const draw = await aDraw({ prizes: [{ name: "银卡专享券", kind: "benefit", weight: 1, stock: 10, benefitId: "silver_coupon" }] });
    const granted = await takeDraw({ slug: draw.slug, participant: aCustomer("silver", { memberId: silver }), requestId: "b-1", now: NOW });
    assert.equal(granted.win?.status, "granted");
    assert.ok(granted.win?.redeemCode);
    const claim = await BenefitClaim.findById(granted.win?.redeemCode).lean();
    assert.equal(claim?.benefitCode, "silver_coupon");
    assert.equal(String(claim?.memberId), silver);
    const refused = await takeDraw({ slug: draw.slug, participant: aCustomer("regular", { memberId: regular }), requestId: "b-2", now: NOW });
    assert.equal(refused.win?.status, "failed");
    assert.equal(refused.win?.statusLabel, "发放失败");
    assert.ok(refused.win?.failReason);
    assert.equal(await BenefitClaim.countDocuments({ memberId: regular }), 0);
  });

  it("should make points and cash picks 'thanks' for people who cannot receive them", async () => {
    const draw = await aDraw({ prizes: [{ name: "50 积分", kind: "points", weight: 1, stock: 10, points: 50 }] });
    const outcome = await takeDraw({ slug: draw.slug, participant: aWeChatUser("anon"), requestId: "n-1", now: NOW });
    assert.equal(outcome.won, false);
    assert.equal((await DrawRecord.findOne({ drawId: draw._id }).lean())?.missReason, "not_member");
    assert.equal((await DrawStock.findById(`${String(draw._id)}:${draw.prizes[0]!.id}`).lean())?.left, 10);
  });

  it("should refuse with the contract's error ids and Chinese messages", async () => {
    const person = aCustomer("refused");
    const draft = await aDraw({}, "draft");
    const paused = await aDraw({}, "paused");
    const ended = await aDraw({}, "ended");
    const early = await aDraw({ startsAt: new Date(NOW.getTime() + DAY), endsAt: new Date(NOW.getTime() + 2 * DAY) });
    const gold = await aDraw({ eligibility: { levels: ["gold"], tagIds: [], segmentId: null, guideUserIds: [], funnelId: null } });
    assert.equal(await drawOrRefusal(draft, person), "draw_not_found");
    assert.equal(await drawOrRefusal(paused, person), "draw_paused");
    assert.equal(await drawOrRefusal(ended, person), "draw_ended");
    assert.equal(await drawOrRefusal(early, person), "draw_not_started");
    assert.equal(await drawOrRefusal(gold, person), "draw_not_eligible");
    assert.equal(await drawOrRefusal(early, person, "x", new Date(NOW.getTime() + 3 * DAY)), "draw_ended");
    await assert.rejects(takeDraw({ slug: "no-such-draw", participant: person, requestId: "x", now: NOW }), { id: "draw_not_found" });
    await assert.rejects(takeDraw({ slug: gold.slug, participant: person, requestId: "x", now: NOW }), { id: "draw_not_eligible", status: 403, message: "本活动仅限会员参与，请先注册会员" });
    forgetDraw(gold.slug);
    assert.equal(await DrawRecord.countDocuments({}), 0);
  });
});

describe("takeDraw after a process died half way", () => {
  beforeEach(() => resetDatabase());

  it("should settle a record left 'drawing' when its request is retried later, with the win if it was written", async () => {
    const draw = await aDraw({ prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 5 }] });
    const person = aCustomer("crash");
    const first = await takeDraw({ slug: draw.slug, participant: person, requestId: "k1", now: NOW });
    // As if the process had died before marking the record done.
    await DrawRecord.updateOne({ drawId: draw._id }, { $set: { state: "drawing", winId: null, prizeId: null } });
    const later = await takeDraw({ slug: draw.slug, participant: person, requestId: "k1", now: new Date(NOW.getTime() + 60_000) });
    assert.equal(later.replayed, true);
    assert.equal(later.win?.winId, first.win?.winId);
    assert.equal((await DrawRecord.findOne({ drawId: draw._id }).lean())?.state, "done");
    assert.equal(await DrawWin.countDocuments({}), 1);
  });
});
