import assert from "node:assert/strict";
import { configureWeChatPay } from "../../server/commands/cashPayout.ts";
import { readDrawPage } from "../../server/commands/drawPageReader.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import { ApplyDrawTagsJob } from "../../server/jobs/ApplyDrawTagsJob.ts";
import { CashTransfer } from "../../server/models/CashTransfer.ts";
import { Customer } from "../../server/models/Customer.ts";
import { DrawTagTask } from "../../server/models/DrawTagTask.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { Segment } from "../../server/models/Segment.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { BILLS, payApi, signedReply, useTestPay } from "../wechatpay/support.ts";
import { aCustomer, aDraw, aMember, aWeChatUser, drawOrRefusal, NOW } from "./coreSupport.ts";

const none = { levels: [] as string[], tagIds: [] as string[], segmentId: null, guideUserIds: [] as string[], funnelId: null };
const follow = (externalUserId: string, userId: string, tagIds: string[] = []) => Follow.create({ externalUserId, userId, status: "active", tagIds, addedAt: NOW });

describe("draw eligibility, tags and cash", function () {
  this.timeout(60_000);
  beforeEach(() => resetDatabase());

  it("should let in only customers with the tags, of the guides, in the funnel's groups or in the segment, and say why not", async () => {
    await follow("wmCustTagged", "guideA", ["tagVip"]);
    await follow("wmCustPlain", "guideB");
    const tagged = await aDraw({ eligibility: { ...none, tagIds: ["tagVip"] } });
    assert.notEqual(typeof (await drawOrRefusal(tagged, aCustomer("Tagged"))), "string");
    assert.equal(await drawOrRefusal(tagged, aCustomer("Plain")), "draw_not_eligible");

    const guides = await aDraw({ eligibility: { ...none, guideUserIds: ["guideB"] } });
    assert.notEqual(typeof (await drawOrRefusal(guides, aCustomer("Plain"))), "string");
    assert.equal(await drawOrRefusal(guides, aCustomer("Tagged")), "draw_not_eligible");
    const page = await readDrawPage({ slug: guides.slug, participant: aCustomer("Tagged"), now: NOW });
    assert.deepEqual([page.status, page.canDraw, page.reason], ["not_eligible", false, "本活动仅限指定导购的客户参与，请先添加导购"]);

    const funnel = await Funnel.create({ slug: "fans", name: "粉丝群", state: "g-fans", groups: [{ key: "wrFans1", kind: "wecom", chatId: "wrFans1", name: "粉丝一群" }] });
    await Customer.create({ externalUserId: "wmCustInGroup", groupChatIds: ["wrFans1"] });
    await Customer.create({ externalUserId: "wmCustOutside", groupChatIds: ["wrOther"] });
    const grouped = await aDraw({ eligibility: { ...none, funnelId: String(funnel._id) } });
    assert.notEqual(typeof (await drawOrRefusal(grouped, aCustomer("InGroup"))), "string");
    assert.equal(await drawOrRefusal(grouped, aCustomer("Outside")), "draw_not_eligible");

    const segment = await Segment.create({ name: "银卡及以上", rule: { minLevel: "silver" } });
    const silver = await aMember("silver");
    const regular = await aMember("regular");
    await MemberIdentity.create({ _id: "customer:wmCustSilver", kind: "customer", memberId: silver, via: "wecom", at: NOW });
    const segmented = await aDraw({ eligibility: { ...none, segmentId: String(segment._id) } });
    assert.notEqual(typeof (await drawOrRefusal(segmented, aCustomer("Silver"))), "string", "the member is found through the customer's identity");
    assert.equal(await drawOrRefusal(segmented, aCustomer("Regular", { memberId: regular })), "draw_not_eligible");
    assert.equal(await drawOrRefusal(segmented, aWeChatUser("stranger")), "draw_not_eligible");
  });

  it("should tag takers and winners through WeCom once each, from the job", async () => {
    nockToken();
    await follow("wmCustTagMe", "guideA");
    const draw = await aDraw({ tagsOnJoin: ["tagJoined"], tagsOnWin: ["tagWinner"], prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 10 }] });
    const person = aCustomer("TagMe");
    await takeDraw({ slug: draw.slug, participant: person, requestId: "t1", now: NOW });
    await takeDraw({ slug: draw.slug, participant: person, requestId: "t1", now: NOW });
    await takeDraw({ slug: draw.slug, participant: person, requestId: "t2", now: NOW });
    assert.equal(await DrawTagTask.countDocuments({}), 3, "one join task and one per win");
    const seen: unknown[] = [];
    wecomApi()
      .post("/cgi-bin/externalcontact/mark_tag")
      .query(true)
      .times(3)
      .reply((_uri, body) => {
        seen.push(body);
        return [200, { errcode: 0, errmsg: "ok" }];
      });
    const summary = await new ApplyDrawTagsJob({ wecom: testWeComClient(), now: () => NOW }).perform();
    assert.deepEqual(summary, { done: 3, failed: 0 });
    assert.deepEqual(seen.map((body) => (body as { add_tag: string[] }).add_tag).sort(), [["tagJoined"], ["tagWinner"], ["tagWinner"]]);
    assert.deepEqual((await Follow.findOne({ externalUserId: "wmCustTagMe" }).lean())?.tagIds.sort(), ["tagJoined", "tagWinner"]);
    assert.deepEqual(await new ApplyDrawTagsJob({ wecom: testWeComClient(), now: () => NOW }).perform(), { done: 0, failed: 0 });
  });

  it("should ask for the payout once per cash win, after the win is recorded", async () => {
    useTestPay();
    try {
      const draw = await aDraw({ cashBudgetFen: 10_000, prizes: [{ name: "8.88 元红包", kind: "cash", weight: 1, stock: 10, amountFen: 888 }] });
      const created = payApi()
        .post(BILLS)
        .reply(function (_uri, body) {
          const sent = body as { out_bill_no: string; transfer_amount: number };
          return signedReply({ out_bill_no: sent.out_bill_no, transfer_bill_no: "1330000071100999991182020050700001", create_time: NOW.toISOString(), state: "WAIT_USER_CONFIRM", package_info: "pkg-draw" });
        });
      const winner = aWeChatUser("cash");
      const outcome = await takeDraw({ slug: draw.slug, participant: winner, requestId: "c1", now: NOW });
      assert.ok(created.isDone());
      assert.equal(outcome.win?.cash?.state, "pending_confirm");
      assert.equal(outcome.win?.cash?.packageInfo, "pkg-draw");
      const again = await takeDraw({ slug: draw.slug, participant: winner, requestId: "c1", now: NOW });
      assert.equal(again.win?.cash?.state, "pending_confirm");
      assert.equal(await CashTransfer.countDocuments({}), 1);
      const page = await readDrawPage({ slug: draw.slug, participant: winner, now: NOW });
      assert.deepEqual(page.wins.map((win) => [win.prize.name, win.statusLabel]), [["8.88 元红包", "待确认"]]);
    } finally {
      configureWeChatPay(null);
    }
  });
});
