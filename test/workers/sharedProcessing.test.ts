import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Event } from "../../server/models/Event.ts";
import { EventLane } from "../../server/models/EventLane.ts";
import { Follow } from "../../server/models/Follow.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { testDatabaseUri } from "../support/hooks.ts";
import { testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const CUSTOMERS = Array.from({ length: 12 }, (_, index) => `wmShared${String(index).padStart(6, "0")}`);

/** Each customer: added, edited, then deleted by the customer; only in-order handling ends in "deleted_by_customer". */
async function deliverLifecycles(url: string): Promise<number> {
  let delivered = 0;
  for (const externalUserId of CUSTOMERS) {
    for (const [changeType, createTime] of [
      ["add_external_contact", 1000],
      ["edit_external_contact", 1001],
      ["del_follow_user", 1002],
    ] as const) {
      const answer = await deliver(url, contactEventXml(changeType, { UserID: "zhangsan", ExternalUserID: externalUserId, CreateTime: createTime }));
      assert.equal(answer.status, 200);
      delivered += 1;
    }
  }
  return delivered;
}

describe("processing shared by several workers", () => {
  const context = useTestServer();
  beforeEach(async () => {
    nockToken();
  });

  it("should handle each event once and in order per customer with two processors on one database", async () => {
    const calls = new Map<string, number>();
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      // A slow WeCom keeps claims open long enough for the other worker to try the same lane.
      .delay(15)
      .reply((uri) => {
        const externalUserId = new URL(uri, "https://x").searchParams.get("external_userid") ?? "";
        calls.set(externalUserId, (calls.get(externalUserId) ?? 0) + 1);
        return [200, externalContactResponse(externalUserId, [{ userid: "zhangsan" }])];
      })
      .persist();
    const delivered = await deliverLifecycles(context.server.url);

    const first = testProcessor({ workerId: "worker-a", concurrency: 4 });
    const second = testProcessor({ workerId: "worker-b", concurrency: 4 });
    await Promise.all([first.drain(), second.drain(), first.drain(), second.drain()]);

    const events = await Event.find().lean();
    // Each add queued its follow-up (greeting task, 完成率) as an event of its own.
    assert.equal(events.filter((event) => event.source === "wecom_callback").length, delivered);
    assert.equal(events.filter((event) => event.type === "add_follow_up").length, CUSTOMERS.length);
    assert.ok(events.every((event) => event.status === "done" && event.attempts === 1), "every event handled exactly once");
    // add + edit each read the customer once; del_follow_user does not call WeCom.
    assert.deepEqual([...calls.values()], CUSTOMERS.map(() => 2));
    const follows = await Follow.find({ userId: "zhangsan" }).lean();
    assert.deepEqual(
      follows.map((follow) => follow.status),
      CUSTOMERS.map(() => "deleted_by_customer"),
    );
  });

  it("should let another worker take over an event whose worker died holding it", async () => {
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMERS[0] ?? "", [{ userid: "zhangsan" }]));
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMERS[0] }));
    // A worker claimed the lane, started the event and died: its lease is left behind.
    await EventLane.updateOne({}, { $set: { leaseOwner: "dead-worker", leaseUntil: new Date(Date.now() + 60_000) } });
    await Event.updateOne({}, { $set: { status: "processing" }, $inc: { attempts: 1 } });

    let clock = new Date();
    const survivor = testProcessor({ workerId: "survivor", context: { wecom: testWeComClient(), now: () => clock } });
    assert.equal(await survivor.drain(), 0, "a live lease is respected");
    clock = new Date(Date.now() + 61_000);
    assert.equal(await survivor.drain(), 2, "the add, then its follow-up");
    const event = await Event.findOne({ type: "change_external_contact" }).lean();
    assert.deepEqual([event?.status, event?.attempts], ["done", 2]);
    assert.equal(await EventLane.countDocuments(), 0, "the finished lane is removed");
  });

  it("should process, after a restart, the events a killed server stored but never processed", async function () {
    this.timeout(60_000);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        PORT: String(port),
        HOST: "127.0.0.1",
        MONGODB_URI: testDatabaseUri(),
        WECOM_CORP_ID: SAMPLE.receiveId,
        WECOM_CALLBACK_TOKEN: SAMPLE.token,
        WECOM_CALLBACK_AES_KEY: SAMPLE.aesKey,
        // The killed node only receives: nothing can be processed before the kill.
        EVENT_PROCESSOR: "0",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealthy(url, () => stderr);
      for (const externalUserId of CUSTOMERS.slice(0, 5)) {
        const answer = await deliver(url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: externalUserId }));
        assert.equal(answer.text, "success");
      }
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    assert.equal(await Event.countDocuments({ status: "pending" }), 5);

    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .times(5)
      .reply((uri) => {
        const externalUserId = new URL(uri, "https://x").searchParams.get("external_userid") ?? "";
        return [200, externalContactResponse(externalUserId, [{ userid: "zhangsan" }])];
      });
    const restarted = testProcessor({ workerId: "after-restart" });
    restarted.start();
    try {
      // The five adds, and the follow-up each queued.
      await waitFor(async () => (await Event.countDocuments({ status: "done", source: "wecom_callback" })) === 5 && (await Event.countDocuments({ status: "done", type: "add_follow_up" })) === 5);
    } finally {
      await restarted.stop();
    }
    assert.equal(await Follow.countDocuments({ status: "active" }), 5);
  });
});

async function waitForHealthy(url: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not become healthy: ${stderr()}`);
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error("condition not met in time");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
