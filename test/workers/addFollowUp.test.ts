import assert from "node:assert/strict";
import { Event } from "../../server/models/Event.ts";
import { EventLane } from "../../server/models/EventLane.ts";
import { Task } from "../../server/models/Task.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { testProcessor, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

const CUSTOMER = "wmFollowUp0001";

// An add's bookkeeping (完成率 count, greeting task, tag rules) runs as an event of its own after
// the add, so a burst of adds does not hold every later welcome behind it (bench:welcome).
describe("an add's follow-up event", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  const now = Math.floor(Date.now() / 1000);
  beforeEach(() => {
    processor = testProcessor();
    nockToken();
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan", createtime: now }]))
      .persist();
  });

  const add = () => deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: now }));
  const greetings = () => Task.countDocuments({ kind: "greeting", externalUserId: CUSTOMER });

  it("should run after the add, on a lane of its own, once for a retried add", async () => {
    await add();
    // The first pass knows only the add's lane: the add is done, its bookkeeping is queued.
    assert.equal(await processor.runOnce(), 1);
    const followUps = await Event.find({ type: "add_follow_up" }).lean();
    assert.equal(followUps.length, 1);
    assert.deepEqual([followUps[0]?.status, followUps[0]?.source, followUps[0]?.orderKey.startsWith("followup:")], ["pending", "internal", true]);
    assert.equal(await greetings(), 0, "the greeting waits for the follow-up");
    assert.ok(await EventLane.exists({ _id: followUps[0]?.orderKey }));

    assert.equal(await processor.drain(), 1);
    assert.equal(await greetings(), 1);

    // WeCom retries the add: stored once, so nothing is queued again.
    await add();
    assert.equal(await processor.drain(), 0);
    assert.equal(await Event.countDocuments({ type: "add_follow_up" }), 1);
    assert.equal(await greetings(), 1);
  });

  it("should make no greeting task for a follow the guide ended before it ran", async () => {
    await add();
    await deliver(context.server.url, contactEventXml("del_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: now + 1 }));
    // The customer's lane runs the add and the deletion in one claim; the follow-up comes after.
    assert.equal(await processor.drain(), 3);
    assert.equal((await Event.findOne({ type: "add_follow_up" }).lean())?.status, "done");
    assert.equal(await greetings(), 0);
    assert.equal(await EventLane.countDocuments(), 0, "every lane is gone once empty");
  });
});
