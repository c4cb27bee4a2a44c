import assert from "node:assert/strict";
import nock from "nock";
import { assignCampaignGuides } from "../../server/commands/campaignCompletion.ts";
import { REMINDED_CAMPAIGNS_PER_HOUR, remindCampaignGuides } from "../../server/commands/campaignReminder.ts";
import { AppError } from "../../server/errors.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "../support/wecomNock.ts";
import { AGENT_ID, WECOM_BASE } from "../support/wecomSecrets.ts";
import { aRegionWithStores } from "./directory.ts";

const AT = new Date("2026-03-01T02:00:00Z");
const minutes = (count: number) => new Date(AT.getTime() + count * 60_000);

describe("催办 across campaigns (WeCom drops app messages past 30 a minute or 1000 an hour to one member)", () => {
  const wecom = testWeComClient();
  let recipients: string[][];

  beforeEach(async () => {
    await resetDatabase();
    await aRegionWithStores([
      ["busy", "忙碌导购", 101],
      ["calm", "清闲导购", 101],
    ]);
    recipients = [];
    nockAgentToken();
    nock(WECOM_BASE)
      .post("/cgi-bin/message/send", (body: { touser: string }) => {
        recipients.push(body.touser.split("|"));
        return true;
      })
      .query({ access_token: AGENT_ACCESS_TOKEN })
      .reply(200, { errcode: 0, errmsg: "ok", invaliduser: "" })
      .persist();
  });

  const remind = (campaignId: string, userIds: string[], now: Date) => remindCampaignGuides({ wecom, agentId: AGENT_ID, kind: "moment", campaignId, campaignName: campaignId, userIds, url: "https://scrm.example.com/sidebar/", now });

  it(`should leave out a guide already reminded of ${REMINDED_CAMPAIGNS_PER_HOUR} campaigns in the hour, and remind them again once the hour has passed`, async () => {
    for (let index = 0; index < REMINDED_CAMPAIGNS_PER_HOUR; index += 1) {
      await assignCampaignGuides("moment", `m${index}`, ["busy"], AT);
      await remind(`m${index}`, ["busy"], minutes(index));
    }
    assert.equal(recipients.length, REMINDED_CAMPAIGNS_PER_HOUR);
    await assignCampaignGuides("moment", "one-more", ["busy", "calm"], AT);
    const outcome = await remind("one-more", ["busy", "calm"], minutes(30));
    assert.deepEqual(outcome.reminded, ["calm"]);
    assert.deepEqual(outcome.skipped.map((skip) => skip.userId), ["busy"]);
    assert.match(outcome.skipped[0]!.reason, /1 小时内已被催办 20 个任务/);
    const refused = await remind("one-more", ["busy"], minutes(31)).catch((error: unknown) => error);
    assert.ok(refused instanceof AppError && refused.status === 409, String(refused));
    assert.equal(recipients.length, REMINDED_CAMPAIGNS_PER_HOUR + 1, "nothing sent to the busy guide");
    const later = await remind("one-more", ["busy"], minutes(70));
    assert.deepEqual(later.reminded, ["busy"]);
  });
});
