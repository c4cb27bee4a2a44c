import assert from "node:assert/strict";
import nock from "nock";
import { Event } from "../../server/models/Event.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { consoleGet, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

const CUSTOMER = "wmRetryCustomer01";

interface EventList {
  data: { id: string; status: string; attempts: number; lastError: { message: string; errcode: number | null; path: string | null } | null }[];
  pagination: { page: number; pageSize: number; total: number };
}

describe("event retries and failures", () => {
  const context = useTestServer();
  beforeEach(async () => {
    nockToken();
  });

  it("should back off between attempts, then keep the event as failed with its error", async () => {
    // Events are received on the real clock; the processor's clock starts just after that.
    const start = Date.now() + 1000;
    const at = (minutes: number) => new Date(start + minutes * 60_000);
    let clock = at(0);
    const processor = testProcessor({
      context: { wecom: testWeComClient(), now: () => clock },
      maxAttempts: 3,
      backoffMs: (attempts) => attempts * 60_000,
    });
    const busy = wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .times(3)
      .reply(200, { errcode: 6000, errmsg: "data version conflict" });
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER }));

    assert.equal(await processor.drain(), 1);
    let event = await Event.findOne().lean();
    assert.deepEqual([event?.status, event?.attempts], ["pending", 1]);
    assert.equal(event?.nextAttemptAt.toISOString(), at(1).toISOString());

    // Not due yet: nothing is claimed.
    assert.equal(await processor.drain(), 0);

    clock = at(1);
    await processor.drain();
    event = await Event.findOne().lean();
    assert.deepEqual([event?.status, event?.attempts], ["pending", 2]);
    assert.equal(event?.nextAttemptAt.toISOString(), at(3).toISOString());

    clock = at(3);
    await processor.drain();
    assert.ok(busy.isDone());
    event = await Event.findOne().lean();
    assert.deepEqual([event?.status, event?.attempts], ["failed", 3]);

    const listed = await consoleGet(context.server, "/api/console/events?status=failed");
    assert.equal(listed.status, 200);
    const body = listed.body as unknown as EventList;
    assert.equal(body.pagination.total, 1);
    assert.equal(body.data[0]?.status, "failed");
    assert.equal(body.data[0]?.attempts, 3);
    assert.deepEqual(
      { errcode: body.data[0]?.lastError?.errcode, path: body.data[0]?.lastError?.path },
      { errcode: 6000, path: "/cgi-bin/externalcontact/get" },
    );
    assert.match(body.data[0]?.lastError?.message ?? "", /data version conflict/);
  });

  it("should not retry answers that cannot change (no customer relation)", async () => {
    const processor = testProcessor({ maxAttempts: 5 });
    wecomApi().get("/cgi-bin/externalcontact/get").query(true).once().reply(200, { errcode: 84061, errmsg: "not external contact" });
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER }));
    await processor.drain();
    const event = await Event.findOne().lean();
    assert.deepEqual([event?.status, event?.attempts, event?.lastError?.errcode], ["failed", 1, 84061]);
  });

  it("should hold later events of a customer while an earlier one waits for its retry", async () => {
    const start = Date.now() + 1000;
    let clock = new Date(start);
    const processor = testProcessor({ context: { wecom: testWeComClient(), now: () => clock }, backoffMs: () => 60_000 });
    wecomApi().get("/cgi-bin/externalcontact/get").query(true).reply(200, { errcode: -1, errmsg: "system busy" }).persist();
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 100 }));
    await deliver(context.server.url, contactEventXml("del_follow_user", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 200 }));
    await deliver(context.server.url, contactEventXml("del_follow_user", { UserID: "lisi", ExternalUserID: "wmOtherCustomer9", CreateTime: 150 }));
    await processor.drain();
    const statuses = Object.fromEntries((await Event.find().lean()).map((event) => [`${event.orderKey}:${event.changeType}`, event.status]));
    assert.deepEqual(statuses, {
      [`customer:${CUSTOMER}:add_external_contact`]: "pending",
      [`customer:${CUSTOMER}:del_follow_user`]: "pending",
      "customer:wmOtherCustomer9:del_follow_user": "done",
    });

    nockCleanAndSucceed();
    clock = new Date(start + 60_000);
    await processor.drain();
    assert.deepEqual(
      (await Event.find({ orderKey: `customer:${CUSTOMER}` }).sort({ createTime: 1 }).lean()).map((event) => event.status),
      ["done", "done"],
    );
  });
});

function nockCleanAndSucceed(): void {
  // Swap the persistent busy answer for a good one.
  nock.cleanAll();
  nockToken();
  wecomApi()
    .get("/cgi-bin/externalcontact/get")
    .query(true)
    .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan" }]));
}
