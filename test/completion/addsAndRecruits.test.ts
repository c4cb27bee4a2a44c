import assert from "node:assert/strict";
import customerMemberLinker from "../../server/commands/customerMemberLinker.ts";
import guideAddCounter from "../../server/commands/guideAddCounter.ts";
import memberRecruitCounter from "../../server/commands/memberRecruitCounter.ts";
import { CompletionDay, completionDayId } from "../../server/models/CompletionDay.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { aRegionWithStores } from "../campaigns/directory.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { aCustomerWithFollow, aMemberWithOrders } from "../support/factories.ts";
import { testProcessor, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

const CUSTOMER = "wmCustomerA0001";
const figures = async (level: "guide" | "store" | "region" | "all", ownerId: string, day: string) => (await CompletionDay.findById(completionDayId(level, ownerId, day)).lean())?.figures ?? {};

describe("adds and recruits in the completion days", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(async () => {
    processor = testProcessor();
    nockToken();
    await aRegionWithStores([
      ["zhangsan", "张三", 101],
      ["g1", "导购一", 102],
      ["g2", "导购二", 102],
    ]);
  });

  it("counts the guide's add on the day of the add (China time), once however often the event is handled", async () => {
    // 2026-12-01 23:30 in China (15:30 UTC): the add counts on the 1st.
    const createtime = Date.parse("2026-12-01T15:30:00Z") / 1000;
    wecomApi().get("/cgi-bin/externalcontact/get").query(true).reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan", createtime }]));
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, WelcomeCode: "WC1" }));
    assert.equal(await processor.drain(), 2, "the add and its follow-up");
    assert.equal(await guideAddCounter({ externalUserId: CUSTOMER, userId: "zhangsan" }), false, "a replay counts nothing");
    assert.equal((await figures("guide", "zhangsan", "2026-12-01")).adds, 1);
    assert.equal((await figures("store", "101", "2026-12-01")).adds, 1);
    assert.equal((await figures("region", "10", "2026-12-01")).adds, 1);
    assert.equal((await figures("all", "all", "2026-12-01")).adds, 1);
  });

  it("does not count a follow that is no longer active", async () => {
    await aCustomerWithFollow("wmGone", "zhangsan", { status: "deleted_by_customer" });
    assert.equal(await guideAddCounter({ externalUserId: "wmGone", userId: "zhangsan" }), false);
    assert.equal(await CompletionDay.countDocuments(), 0);
  });

  it("credits a new member's recruit to the guide whose follow came first, once, on the day they were linked", async () => {
    const { memberNo } = await aMemberWithOrders({ unionid: "oUnionNew", name: "王小姐" }, [{ yuan: 299, paidAt: "2026-12-01T12:00:00+08:00" }]);
    await aCustomerWithFollow("wmNew", "g1");
    await aCustomerWithFollow("wmOther", "g2");
    const linkedAt = new Date("2026-12-02T10:00:00+08:00");
    for (let run = 0; run < 2; run += 1) {
      await customerMemberLinker({ externalUserId: "wmNew", unionid: "oUnionNew", now: linkedAt });
    }
    const member = await Member.findOne({ memberNo }).lean();
    assert.equal(member?.recruitedBy?.userId, "g1");
    assert.equal(member?.recruitedBy?.counted, true);
    assert.equal((await figures("guide", "g1", "2026-12-02")).membersRecruited, 1);
    assert.equal((await figures("store", "102", "2026-12-02")).membersRecruited, 1);
    assert.equal((await figures("all", "all", "2026-12-02")).membersRecruited, 1);
  });

  it("counts a recruit linked days late on the day it happened (a member, following the guide), not on the day of the link", async () => {
    const { memberNo } = await aMemberWithOrders({ unionid: "oUnionLate" }, [{ yuan: 199, paidAt: "2026-12-01T09:00:00+08:00" }]);
    await aCustomerWithFollow("wmLate", "g2");
    await Follow.updateOne({ externalUserId: "wmLate" }, { $set: { addedAt: new Date("2026-12-01T11:00:00+08:00") } });
    const joinedAt = (await Member.findOne({ memberNo }).lean())?.joinedAt;
    assert.ok(joinedAt && joinedAt < new Date("2026-12-01T11:00:00+08:00"), "joined before the follow");
    await customerMemberLinker({ externalUserId: "wmLate", unionid: "oUnionLate", now: new Date("2026-12-04T10:00:00+08:00") });
    assert.deepEqual((await Member.findOne({ memberNo }).lean())?.recruitedBy?.at, new Date("2026-12-01T11:00:00+08:00"));
    assert.equal((await figures("guide", "g2", "2026-12-01")).membersRecruited, 1);
    assert.equal(await CompletionDay.countDocuments({ day: "2026-12-04" }), 0, "nothing on the day of the link");
  });

  it("does not credit a member who joined more than a week before the link", async () => {
    const { memberNo } = await aMemberWithOrders({ unionid: "oUnionOld" }, [{ yuan: 99, paidAt: "2026-10-01T12:00:00+08:00" }]);
    await aCustomerWithFollow("wmOld", "g1");
    await customerMemberLinker({ externalUserId: "wmOld", unionid: "oUnionOld", now: new Date("2026-12-02T10:00:00+08:00") });
    assert.equal((await Member.findOne({ memberNo }).lean())?.recruitedBy, null);
    assert.equal(await CompletionDay.countDocuments(), 0);
  });

  it("counts a recruit claimed by a run that died before counting it", async () => {
    const { memberNo } = await aMemberWithOrders({ unionid: "oUnionCut" }, [{ yuan: 99, paidAt: "2026-12-01T12:00:00+08:00" }]);
    const at = new Date("2026-12-01T13:00:00+08:00");
    await Member.updateOne({ memberNo }, { $set: { recruitedBy: { userId: "g2", at, counted: false } } });
    const member = await Member.findOne({ memberNo }).lean();
    assert.equal(await memberRecruitCounter({ memberId: member!._id, now: new Date("2026-12-03T09:00:00+08:00") }), true);
    assert.equal(await memberRecruitCounter({ memberId: member!._id, now: new Date("2026-12-03T09:00:00+08:00") }), false);
    assert.equal((await figures("guide", "g2", "2026-12-01")).membersRecruited, 1);
  });
});
