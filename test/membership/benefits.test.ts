import assert from "node:assert/strict";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { BenefitClaim } from "../../server/models/BenefitClaim.ts";
import { Member } from "../../server/models/Member.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";

const DAY = 86_400_000;

interface BenefitView {
  code: string;
  state: string;
  claims: { code: string; status: string }[];
}

describe("benefits: claim and redemption (核销)", () => {
  let clock = new Date("2026-07-01T02:00:00Z");
  const context = useTestServer({ now: () => clock });
  beforeEach(async () => {
    clock = new Date("2026-07-01T02:00:00Z");
    const program = {
      ...DEFAULT_PROGRAM,
      benefits: [
        { code: "gold_gift", name: "金卡升级礼", kind: "gift", levels: ["gold"], claimWindowDays: 30, perMember: 1, stock: 3, redeemWithinDays: 10, valueFen: 12_800 },
        { code: "gold_coupon", name: "金卡券", kind: "coupon", levels: ["gold"], claimWindowDays: 30, perMember: 2, redeemWithinDays: 10, valueFen: 3000 },
        { code: "birthday_gift", name: "生日礼", kind: "birthday_gift", levels: ["gold", "regular"], claimWindowDays: 31, perMember: 1, redeemWithinDays: 30, valueFen: 5000 },
      ],
    };
    assert.equal((await consoleSend(context.server, "PUT", "/api/console/program", program)).status, 200);
  });

  const goldMember = async (phone: string) => {
    const response = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "store",
      orderNo: `G-${phone}`,
      amount: 600_000,
      paidAt: clock.toISOString(),
      member: { phone },
    });
    return (response.body.data as { memberNo: string }).memberNo;
  };
  const claim = (memberNo: string, benefit: string) => consoleSend(context.server, "POST", `/api/console/members/${memberNo}/benefits/${benefit}/claim`, {});
  const benefits = async (memberNo: string) => (await consoleGet(context.server, `/api/console/members/${memberNo}/benefits`)).body.data as BenefitView[];

  it("should let a member claim within the window up to the per-member quantity, also when asked 20 times at once", async () => {
    const memberNo = await goldMember("13200132000");
    const responses = await Promise.all(Array.from({ length: 20 }, () => claim(memberNo, "gold_coupon")));
    assert.equal(responses.filter((response) => response.status === 201).length, 2);
    assert.ok(responses.filter((response) => response.status !== 201).every((response) => [409, 422].includes(response.status)));
    const coupon = (await benefits(memberNo)).find((benefit) => benefit.code === "gold_coupon");
    assert.equal(coupon?.state, "claimed_all");
    assert.equal(coupon?.claims.length, 2);
  });

  it("should not give out more than the stock, across members", async () => {
    const members = await Promise.all(["13200132001", "13200132002", "13200132003", "13200132004", "13200132005"].map(goldMember));
    const responses = await Promise.all(members.map((memberNo) => claim(memberNo, "gold_gift")));
    assert.equal(responses.filter((response) => response.status === 201).length, 3);
    const refused = responses.filter((response) => response.status === 422);
    assert.equal(refused.length, 2);
    assert.ok(refused.every((response) => response.body.message === "benefitCode: 权益已领完"));
    assert.equal(await BenefitClaim.countDocuments({ benefitCode: "gold_gift" }), 3);
  });

  it("should close the claim window after its days", async () => {
    const memberNo = await goldMember("13200132006");
    clock = new Date(clock.getTime() + 31 * DAY);
    const response = await claim(memberNo, "gold_coupon");
    assert.equal(response.status, 422);
    assert.equal(response.body.message, "benefitCode: 已过领取期");
  });

  it("should redeem a code once, refuse an unknown or expired one, and show it on the member", async () => {
    const memberNo = await goldMember("13200132007");
    const code = ((await claim(memberNo, "gold_coupon")).body.data as { code: string }).code;
    const redeem = (value: string) => consoleSend(context.server, "POST", "/api/console/benefits/redeem", { code: value, storeId: "store_sh_01" });
    const first = await redeem(code.toLowerCase());
    assert.equal(first.status, 200);
    const { redeemedAt } = first.body.data as { redeemedAt: string };
    assert.ok(!Number.isNaN(Date.parse(redeemedAt)), "the redemption says when");
    assert.deepEqual(first.body.data, { code, benefitCode: "gold_coupon", memberNo, redeemedAt });
    const again = await redeem(code);
    assert.deepEqual([again.status, again.body.message], [409, "code: 该核销码已核销"]);
    assert.equal((await redeem("ABCDEFGHJK")).status, 404);
    assert.equal((await redeem("bad")).status, 400);

    const second = ((await claim(memberNo, "gold_coupon")).body.data as { code: string }).code;
    clock = new Date(clock.getTime() + 11 * DAY);
    const expired = await redeem(second);
    assert.deepEqual([expired.status, expired.body.message], [409, "code: 该核销码已过期"]);
    const coupon = (await benefits(memberNo)).find((benefit) => benefit.code === "gold_coupon");
    assert.deepEqual(coupon?.claims.map((claimed) => claimed.status).sort(), ["expired", "redeemed"]);
  });

  it("should open the birthday gift in the birthday month only, once a year", async () => {
    const memberNo = await goldMember("13200132008");
    assert.equal((await benefits(memberNo)).find((benefit) => benefit.code === "birthday_gift")?.state, "no_birthday");
    await Member.updateOne({ memberNo }, { $set: { birthday: "1990-08-15" } });
    assert.equal((await claim(memberNo, "birthday_gift")).status, 422);
    clock = new Date("2026-08-03T02:00:00Z");
    assert.equal((await claim(memberNo, "birthday_gift")).status, 201);
    assert.equal((await claim(memberNo, "birthday_gift")).status, 422);
  });
});
