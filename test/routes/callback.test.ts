import assert from "node:assert/strict";
import { Event } from "../../server/models/Event.ts";
import { sealMessage } from "../../server/wecom/callbackCrypto.ts";
import { contactEventXml, deliver, sealedDelivery } from "../support/callbacks.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const addEvent = (externalUserId = "wmCustomer0001") =>
  contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: externalUserId, State: "store_001" });

const HOUR = 3600;
// The official URL-verification vector, encoded exactly as it appears on the wire (wecom-reference §1.7).
const VECTOR_TIME = 1409659589;
const VECTOR_QUERY =
  `msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=${VECTOR_TIME}&nonce=263014780` +
  "&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";

describe("GET|POST /wecom/callback", () => {
  let server: TestServer;
  let stored = 0;
  // The app's clock; null follows the real one.
  let clock: Date | null = null;
  const seconds = () => Math.floor((clock ?? new Date()).getTime() / 1000);

  before(async () => {
    server = await startTestServer({ onEventStored: () => (stored += 1), now: () => clock ?? new Date() });
  });
  after(() => server.close());
  beforeEach(async () => {
    stored = 0;
    clock = null;
    await resetDatabase();
  });

  describe("URL verification", () => {
    beforeEach(() => {
      clock = new Date(VECTOR_TIME * 1000);
    });

    it("should answer the decrypted echostr of the official vector as the plain body", async () => {
      const response = await fetch(`${server.url}/wecom/callback?${VECTOR_QUERY}`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "1616140317555161061");
    });

    it("should answer the vector up to 2 hours either side of its timestamp, and refuse it (a replay) after", async () => {
      const answers: number[] = [];
      for (const offset of [-2 * HOUR, 2 * HOUR, 2 * HOUR + 1, -2 * HOUR - 1, 30 * 24 * HOUR]) {
        clock = new Date((VECTOR_TIME + offset) * 1000);
        answers.push((await fetch(`${server.url}/wecom/callback?${VECTOR_QUERY}`)).status);
      }
      assert.deepEqual(answers, [200, 200, 400, 400, 400]);
      const body = (await (await fetch(`${server.url}/wecom/callback?${VECTOR_QUERY}`)).json()) as { error: string; message: string };
      assert.deepEqual([body.error, body.message], ["callback_rejected", "timestamp: more than 2 hours from the server's clock"]);
    });

    it("should refuse a bad signature with 400", async () => {
      const query =
        "msg_signature=0000000000000000000000000000000000000000&timestamp=1409659589&nonce=263014780" +
        "&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
      const response = await fetch(`${server.url}/wecom/callback?${query}`);
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, "callback_rejected");
      assert.equal(body.message, "msg_signature: does not match");
    });

    it("should name the missing query field", async () => {
      const response = await fetch(`${server.url}/wecom/callback?timestamp=1&nonce=2&echostr=abc`);
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { message: string }).message, /^msg_signature: /);
    });
  });

  describe("delivery", () => {
    it("should store the event before answering success", async () => {
      const response = await deliver(server.url, addEvent());
      assert.equal(response.status, 200);
      assert.equal(response.text, "success");
      const events = await Event.find().lean();
      assert.equal(events.length, 1);
      assert.equal(events[0]?.type, "change_external_contact");
      assert.equal(events[0]?.changeType, "add_external_contact");
      assert.equal(events[0]?.status, "pending");
      assert.equal(events[0]?.orderKey, "customer:wmCustomer0001");
      assert.equal(stored, 1);
    });

    it("should answer a retried delivery 200 and store it once", async () => {
      const xml = addEvent();
      const { url, body } = sealedDelivery(server.url, xml);
      const first = await fetch(url, { method: "POST", body });
      // WeCom's retry re-encrypts with new random bytes and a new signature: same event.
      const retry = await deliver(server.url, xml);
      const identical = await fetch(url, { method: "POST", body });
      assert.deepEqual([first.status, retry.status, identical.status], [200, 200, 200]);
      assert.equal(await Event.countDocuments(), 1);
      assert.equal(stored, 1);
    });

    it("should refuse, and store nothing of, a delivery timestamped more than 2 hours from the app's clock", async () => {
      clock = new Date("2030-01-01T00:00:00Z");
      const now = seconds();
      const answers: number[] = [];
      for (const [index, offset] of [-2 * HOUR - 1, 2 * HOUR + 1, -30 * 24 * HOUR].entries()) {
        const answer = await deliver(server.url, addEvent(`wmLate${index}`), { timestamp: String(now + offset) });
        answers.push(answer.status);
        assert.match(answer.text, /"message":"timestamp: /);
      }
      // Sealed on the machine's clock, years before the app's.
      answers.push((await deliver(server.url, addEvent("wmMachineClock"))).status);
      assert.deepEqual(answers, [400, 400, 400, 400]);
      assert.equal(await Event.countDocuments(), 0);
      assert.equal(stored, 0);
    });

    it("should accept a delivery within 2 hours of the app's clock: retries and skewed clocks", async () => {
      clock = new Date("2030-01-01T00:00:00Z");
      const now = seconds();
      const answers = [];
      for (const [index, offset] of [0, -2 * HOUR, 2 * HOUR, -90].entries()) {
        answers.push((await deliver(server.url, addEvent(`wmOnTime${index}`), { timestamp: String(now + offset) })).status);
      }
      assert.deepEqual(answers, [200, 200, 200, 200]);
      assert.equal(await Event.countDocuments(), 4);
    });

    it("should store concurrent retries of one event once", async () => {
      const xml = addEvent();
      const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(server.url, xml)));
      assert.ok(responses.every((response) => response.status === 200 && response.text === "success"));
      assert.equal(await Event.countDocuments(), 1);
    });

    const refusals: { name: string; request: () => { url: string; body: string }; status: number; message: RegExp }[] = [
      {
        name: "a bad signature",
        request: () => {
          const delivery = sealedDelivery(server.url, addEvent());
          return { ...delivery, url: delivery.url.replace(/msg_signature=[0-9a-f]{40}/, `msg_signature=${"a".repeat(40)}`) };
        },
        status: 400,
        message: /^msg_signature: does not match$/,
      },
      {
        name: "a wrong receive id",
        request: () => sealedDelivery(server.url, addEvent(), { ...SAMPLE, receiveId: "wwAnotherCorp" }),
        status: 400,
        message: /receive id does not match/,
      },
      {
        name: "an undecryptable body",
        request: () => {
          const sealed = sealMessage({ ...SAMPLE, aesKey: "b".repeat(43) }, addEvent());
          const query = new URLSearchParams({ msg_signature: sealed.signature, timestamp: sealed.timestamp, nonce: sealed.nonce });
          return {
            url: `${server.url}/wecom/callback?${query}`,
            body: `<xml><Encrypt><![CDATA[${sealed.encrypted}]]></Encrypt></xml>`,
          };
        },
        status: 400,
        message: /cannot be decrypted|receive id/,
      },
      {
        name: "a malformed envelope",
        request: () => ({ url: sealedDelivery(server.url, addEvent()).url, body: "<xml><Encrypt>" }),
        status: 400,
        message: /^body: /,
      },
      {
        name: "a body over 1 MiB",
        request: () => {
          const delivery = sealedDelivery(server.url, addEvent());
          return { ...delivery, body: delivery.body.replace("<xml>", `<xml><Pad>${"x".repeat(1024 * 1024)}</Pad>`) };
        },
        status: 413,
        message: /larger than 1048576 bytes/,
      },
    ];

    for (const refusal of refusals) {
      it(`should refuse ${refusal.name} and store nothing`, async () => {
        const { url, body } = refusal.request();
        const response = await fetch(url, { method: "POST", body });
        assert.equal(response.status, refusal.status);
        const answer = (await response.json()) as { ok: boolean; message: string };
        assert.equal(answer.ok, false);
        assert.match(answer.message, refusal.message);
        assert.equal(await Event.countDocuments(), 0);
        assert.equal(stored, 0);
      });
    }
  });

  describe("without WeCom configuration", () => {
    it("should answer 503 and store nothing", async () => {
      const unconfigured = await startTestServer({ callbackSecrets: null });
      try {
        const response = await deliver(unconfigured.url, addEvent());
        assert.equal(response.status, 503);
        assert.equal(await Event.countDocuments(), 0);
      } finally {
        await unconfigured.close();
      }
    });
  });
});
