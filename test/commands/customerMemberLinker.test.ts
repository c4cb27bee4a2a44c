import assert from "node:assert/strict";
import customerMemberLinker from "../../server/commands/customerMemberLinker.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { resetDatabase } from "../support/hooks.ts";
import { aCustomerWithFollow, aMemberWithOrders } from "../support/factories.ts";

describe("customerMemberLinker (a WeCom customer and its member)", () => {
  beforeEach(resetDatabase);

  it("should make a customer whose unionid a member has that member's contact, with the guide, and converge when run again", async () => {
    const { memberNo } = await aMemberWithOrders({ unionid: "oUnion001", name: "王小姐" }, [{ yuan: 299, paidAt: "2026-11-01T12:00:00+08:00" }]);
    await aCustomerWithFollow("wmLinked", "guideA", { name: "王小姐" });
    for (let run = 0; run < 2; run += 1) {
      await customerMemberLinker({ externalUserId: "wmLinked", unionid: "oUnion001", now: new Date("2026-12-01T10:00:00+08:00") });
    }
    const member = await Member.findOne({ memberNo }).lean();
    assert.deepEqual(member?.externalUserIds, ["wmLinked"]);
    assert.deepEqual(member?.guideUserIds, ["guideA"]);
    assert.equal(await MemberIdentity.countDocuments({ _id: "customer:wmLinked" }), 1);
  });

  it("should leave a customer without a unionid or matching member alone", async () => {
    await aCustomerWithFollow("wmAlone", "guideA");
    await customerMemberLinker({ externalUserId: "wmAlone", unionid: null, now: new Date() });
    await customerMemberLinker({ externalUserId: "wmAlone", unionid: "oNobody", now: new Date() });
    assert.equal(await Member.countDocuments({}), 0);
    assert.equal(await MemberIdentity.countDocuments({ _id: "customer:wmAlone" }), 0);
  });
});
