import assert from "node:assert/strict";
import crypto from "node:crypto";
import nock from "nock";
import { JsApiTickets, REPORTED_REFRESH_INTERVAL_MS } from "../../server/wecom/jsapiTickets.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startTestServer, testWeComClient, type TestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "../support/wecomNock.ts";
import { WECOM_BASE } from "../support/wecomSecrets.ts";

interface Signed {
  timestamp: number;
  nonceStr: string;
  signature: string;
  ticketId: string;
}

const PAGE = "https://scrm.example.com/sidebar/";
const sha1 = (text: string) => crypto.createHash("sha1").update(text).digest("hex");
const signedWith = (ticket: string, signed: Signed) => signed.signature === sha1(`jsapi_ticket=${ticket}&noncestr=${signed.nonceStr}&timestamp=${signed.timestamp}&url=${PAGE}`);

/**
 * WeCom's corp-ticket endpoint, answering T1, T2, … and counting how often it was asked.
 *
 * @returns how many tickets WeCom has handed out so far.
 */
function countTicketFetches(): () => number {
  let fetches = 0;
  nock(WECOM_BASE)
    .get("/cgi-bin/get_jsapi_ticket")
    .query({ access_token: AGENT_ACCESS_TOKEN })
    .reply(() => {
      fetches += 1;
      return [200, { errcode: 0, errmsg: "ok", ticket: `T${fetches}`, expires_in: 7200 }];
    })
    .persist();
  return () => fetches;
}

describe("JS-SDK ticket quota: pages cannot make the server refetch tickets at will", () => {
  // A server per test: the ticket cache lives in the app, and each test starts from an empty one.
  let server: TestServer;
  let guide: SessionClient;
  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer();
    nockAgentToken();
    guide = await loginAs(server, { userId: "guide01" });
  });
  afterEach(() => server.close());

  const sign = async (extra = ""): Promise<Signed> => {
    const response = await guide.get(`/api/sidebar/jssdk/signature?url=${encodeURIComponent(PAGE)}&type=config${extra}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data as Signed;
  };

  it("should fetch one new ticket for 20 concurrent reports that the cached ticket failed, and none for a ticket already replaced", async () => {
    const fetches = countTicketFetches();
    const first = await sign();
    assert.ok(signedWith("T1", first));
    assert.equal(fetches(), 1);

    const retries = await Promise.all(Array.from({ length: 20 }, () => sign(`&fresh=1&ticketId=${first.ticketId}`)));
    assert.equal(fetches(), 2, "the 20 reports share one fetch");
    for (const retry of retries) {
      assert.ok(signedWith("T2", retry), "every retry is signed with the new ticket");
      assert.equal(retry.ticketId, retries[0]?.ticketId);
    }
    assert.notEqual(retries[0]?.ticketId, first.ticketId);

    // A page that still reports the first ticket gets the one that replaced it.
    const late = await sign(`&fresh=1&ticketId=${first.ticketId}`);
    assert.ok(signedWith("T2", late));
    assert.equal(fetches(), 2);
  });

  it("should not refetch for fresh=1 without the ticket that failed, nor for a ticket it never issued", async () => {
    const fetches = countTicketFetches();
    await sign();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => sign(i % 2 ? "&fresh=1" : "&fresh=1&ticketId=neverIssued")));
    assert.equal(fetches(), 1);
    assert.ok(answers.every((answer) => signedWith("T1", answer)));
  });

  it("should not let a page that reports every ticket it gets cost a fetch per request", async () => {
    const fetches = countTicketFetches();
    let current = await sign();
    for (let round = 0; round < 20; round += 1) {
      current = await sign(`&fresh=1&ticketId=${current.ticketId}`);
    }
    // The first report is heeded; the next ones come within the interval and sign with T2.
    assert.equal(fetches(), 2);
    assert.ok(signedWith("T2", current));
  });

  it("should refuse a malformed ticketId, naming the field", async () => {
    const response = await guide.get(`/api/sidebar/jssdk/signature?url=${encodeURIComponent(PAGE)}&type=config&fresh=1&ticketId=${encodeURIComponent("a b")}`);
    assert.equal(response.status, 400);
    assert.match(response.body.message ?? "", /^ticketId: /);
  });
});

describe("JS-SDK ticket refresh on a page's report, over time", () => {
  beforeEach(() => nockAgentToken());

  it("should heed a report again once the interval has passed, and renew an expired ticket without a report", async () => {
    const fetches = countTicketFetches();
    let now = Date.UTC(2025, 0, 1);
    const tickets = new JsApiTickets(testWeComClient(), () => now);
    const first = await tickets.sign(PAGE, "config");
    const second = await tickets.sign(PAGE, "config", first.ticketId);
    assert.equal(fetches(), 2);

    now += REPORTED_REFRESH_INTERVAL_MS - 1_000;
    const stillSecond = await tickets.sign(PAGE, "config", second.ticketId);
    assert.equal(fetches(), 2, "within the interval a report changes nothing");
    assert.equal(stillSecond.ticketId, second.ticketId);

    now += 2_000;
    const third = await tickets.sign(PAGE, "config", second.ticketId);
    assert.equal(fetches(), 3);
    assert.ok(signedWith("T3", third));

    // WeCom's expires_in (7200 s, less the renewal margin) renews without any report.
    now += 7_200_000;
    const renewed = await tickets.sign(PAGE, "config");
    assert.equal(fetches(), 4);
    assert.notEqual(renewed.ticketId, third.ticketId);
  });
});
