import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Event } from "../../server/models/Event.ts";
import { createCallbackSender, sendCallback } from "../../server/sandbox/callbackSender.ts";
import { SANDBOX_CALLBACK_SECRETS, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { openSealedMessage } from "../../server/wecom/callbackCrypto.ts";
import { parseCallbackEvent, parseEnvelope } from "../../server/wecom/callbackEvent.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const FAST = { retryDelaysMs: [1, 1, 1] };

/** A bare HTTP server that answers the given statuses in turn and records what it got. */
async function fakeReceiver(statuses: number[]): Promise<{ url: string; bodies: string[]; urls: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const urls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      bodies.push(body);
      urls.push(req.url ?? "");
      res.statusCode = statuses[Math.min(bodies.length - 1, statuses.length - 1)] ?? 200;
      res.end(res.statusCode === 200 ? "success" : "error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    urls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("sandbox callback sender", () => {
  describe("through the real callback route", () => {
    let server: TestServer;

    beforeEach(async () => {
      await resetDatabase();
      server = await startTestServer({ callbackSecrets: SANDBOX_CALLBACK_SECRETS, corpId: SANDBOX_CORP_ID });
    });

    afterEach(async () => {
      await server.close();
    });

    it("should have an add_external_contact stored as an event", async () => {
      const sender = createCallbackSender(server.url, FAST);
      const delivery = await sender.addExternalContact({ userid: "guide1", external_userid: "wmCUSTOMER1", state: "store-a", welcome_code: "WELCOME1" });
      assert.deepEqual([delivery.status, delivery.body, delivery.attempts], [200, "success", 1]);
      const events = await Event.find({}).lean();
      assert.equal(events.length, 1);
      assert.equal(events[0]?.type, "change_external_contact");
      assert.equal(events[0]?.changeType, "add_external_contact");
      assert.deepEqual(
        events[0]?.payload,
        {
          ToUserName: SANDBOX_CORP_ID,
          FromUserName: "sys",
          CreateTime: events[0]?.createTime,
          MsgType: "event",
          Event: "change_external_contact",
          ChangeType: "add_external_contact",
          UserID: "guide1",
          ExternalUserID: "wmCUSTOMER1",
          State: "store-a",
          WelcomeCode: "WELCOME1",
        },
      );
    });

    it("should have group, tag and contact edits accepted by the product's parser", async () => {
      const sender = createCallbackSender(server.url, FAST);
      await sender.groupCreate({ chat_id: "wrGROUP1" });
      await sender.groupUpdateAddMember({ chat_id: "wrGROUP1", join_scene: 3, mem_change_list: ["wmA", "wmB"], last_mem_ver: "v1", cur_mem_ver: "v2" });
      await sender.tagChange({ change_type: "create", id: "etTAG1", tag_type: "tag" });
      await sender.editExternalContact({ userid: "guide1", external_userid: "wmCUSTOMER1" });
      await sender.delExternalContact({ userid: "guide1", external_userid: "wmCUSTOMER1" });
      const events = await Event.find({}).sort({ receivedAt: 1 }).lean();
      assert.deepEqual(
        events.map((event) => `${event.type}/${event.changeType}`).sort(),
        [
          "change_external_chat/create",
          "change_external_chat/update",
          "change_external_contact/del_external_contact",
          "change_external_contact/edit_external_contact",
          "change_external_tag/create",
        ],
      );
      const update = events.find((event) => event.changeType === "update")?.payload as Record<string, unknown>;
      assert.deepEqual(
        [update.UpdateDetail, update.JoinScene, update.MemChangeCnt, update.MemChangeList, update.LastMemVer, update.CurMemVer],
        ["add_member", 3, 2, ["wmA", "wmB"], "v1", "v2"],
      );
    });
  });

  describe("delivery", () => {
    it("should sign and encrypt like WeCom: the product's crypto opens it", async () => {
      const receiver = await fakeReceiver([200]);
      try {
        await sendCallback(receiver.url, { Event: "change_external_contact", ChangeType: "del_follow_user", UserID: "u", ExternalUserID: "wm" }, FAST);
        const query = new URL(receiver.urls[0] ?? "", receiver.url);
        assert.equal(query.pathname, "/wecom/callback");
        const xml = openSealedMessage(SANDBOX_CALLBACK_SECRETS, {
          signature: query.searchParams.get("msg_signature") ?? "",
          timestamp: query.searchParams.get("timestamp") ?? "",
          nonce: query.searchParams.get("nonce") ?? "",
          encrypted: parseEnvelope(receiver.bodies[0] ?? ""),
        });
        const event = parseCallbackEvent(xml);
        assert.equal(event.type, "change_external_contact");
        assert.equal(event.payload.ChangeType, "del_follow_user");
      } finally {
        await receiver.close();
      }
    });

    it("should date a back-dated event by CreateTime and sign the delivery with the time it is sent", async () => {
      const receiver = await fakeReceiver([200]);
      const sentAt = new Date("2026-03-01T02:00:00Z");
      const createdAt = new Date("2025-03-01T02:00:00Z");
      try {
        const delivery = await sendCallback(receiver.url, { Event: "change_external_chat", ChangeType: "create", ChatId: "wr1" }, { ...FAST, now: () => sentAt, createdAt });
        const query = new URL(receiver.urls[0] ?? "", receiver.url);
        assert.equal(query.searchParams.get("timestamp"), String(sentAt.getTime() / 1000));
        assert.match(delivery.xml, new RegExp(`<CreateTime>${createdAt.getTime() / 1000}</CreateTime>`));
      } finally {
        await receiver.close();
      }
    });

    it("should re-send the same delivery until it is answered 200", async () => {
      const receiver = await fakeReceiver([500, 503, 200]);
      try {
        const delivery = await sendCallback(receiver.url, { Event: "change_external_chat", ChangeType: "create", ChatId: "wr1" }, FAST);
        assert.equal(delivery.attempts, 3);
        assert.equal(new Set(receiver.bodies).size, 1);
        assert.equal(new Set(receiver.urls).size, 1);
      } finally {
        await receiver.close();
      }
    });

    it("should give up after the first delivery and three retries", async () => {
      const receiver = await fakeReceiver([500]);
      try {
        await assert.rejects(
          sendCallback(receiver.url, { Event: "change_external_chat", ChangeType: "create", ChatId: "wr1" }, FAST),
          /not accepted after 4 deliveries: HTTP 500/,
        );
        assert.equal(receiver.bodies.length, 4);
      } finally {
        await receiver.close();
      }
    });

    it("should report a receiver that is not listening", async () => {
      const receiver = await fakeReceiver([200]);
      await receiver.close();
      await assert.rejects(sendCallback(receiver.url, { Event: "change_external_chat", ChangeType: "create", ChatId: "wr1" }, FAST), /HTTP 0/);
    });
  });
});
