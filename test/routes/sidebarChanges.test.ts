import assert from "node:assert/strict";
import customerMemberLinker from "../../server/commands/customerMemberLinker.ts";
import { Group } from "../../server/models/Group.ts";
import { aCustomerWithFollow, aGroup, aMemberWithOrders } from "../support/factories.ts";
import { consoleSend, useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";

/** An open change stream and the events it has sent so far. */
interface OpenStream {
  events: string[];
  response: Response;
  close(): void;
  /** Resolves once an event of this name has arrived (or rejects after the timeout). */
  next(name: string, timeoutMs?: number): Promise<void>;
}

async function openStream(url: string, client: SessionClient): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { cookie: client.cookie, accept: "text/event-stream" }, signal: abort.signal });
  const events: string[] = [];
  const waiters: { name: string; resolve: () => void }[] = [];
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf("\n\n");
          while (end !== -1) {
            const name = /^event: (.+)$/m.exec(buffer.slice(0, end))?.[1];
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
            if (name) {
              events.push(name);
              for (const waiter of waiters.filter((entry) => entry.name === name)) {
                waiter.resolve();
              }
            }
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    events,
    response,
    close: () => abort.abort(),
    next: (name, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const seen = events.filter((event) => event === name).length;
        const timer = setTimeout(() => reject(new Error(`no "${name}" event within ${timeoutMs} ms (got ${events.join(", ")})`)), timeoutMs);
        waiters.push({
          name,
          resolve: () => {
            if (events.filter((event) => event === name).length > seen) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      }),
  };
}

describe("GET /api/sidebar/changes (the open chat's live updates)", function () {
  this.timeout(30_000);
  const context = useTestServer({ changes: { pollMs: 50, heartbeatMs: 1_000 } });

  it("should tell the guide's sidebar when the open customer orders, without a reload", async () => {
    await aMemberWithOrders({ unionid: "oLive001", name: "王小姐" }, [{ yuan: 100, paidAt: "2026-11-01T12:00:00+08:00" }]);
    await aCustomerWithFollow("wmLive", "guideLive");
    await customerMemberLinker({ externalUserId: "wmLive", unionid: "oLive001", now: new Date() });
    const guide = await loginAs(context.server, { userId: "guideLive" });
    const stream = await openStream(`${context.server.url}/api/sidebar/changes?customer=wmLive`, guide);
    try {
      assert.equal(stream.response.status, 200);
      assert.match(stream.response.headers.get("content-type") ?? "", /^text\/event-stream/);
      await stream.next("ready");
      const changed = stream.next("changed");
      const order = await consoleSend(context.server, "POST", "/api/console/orders", { channel: "store", orderNo: "LIVE1", amount: 59900, paidAt: new Date().toISOString(), member: { unionid: "oLive001" } });
      assert.ok([200, 201].includes(order.status), JSON.stringify(order.body));
      await changed;
    } finally {
      stream.close();
    }
  });

  it("should tell the group view when the group changes", async () => {
    await aGroup("chatLive", "guideLive", []);
    const guide = await loginAs(context.server, { userId: "guideLive" });
    const stream = await openStream(`${context.server.url}/api/sidebar/changes?chat=chatLive`, guide);
    try {
      await stream.next("ready");
      const changed = stream.next("changed");
      // A join as the group events record it: one more member on the group document.
      await Group.updateOne({ chatId: "chatLive" }, { $push: { members: { id: "wmNew", type: "customer", status: "in", joinScene: 3 } } });
      await changed;
    } finally {
      stream.close();
    }
  });

  it("should refuse another guide's customer and a request naming neither", async () => {
    await aCustomerWithFollow("wmOther", "guideOther");
    const guide = await loginAs(context.server, { userId: "guideLive" });
    assert.equal((await guide.get("/api/sidebar/changes?customer=wmOther")).status, 403);
    const neither = await guide.get("/api/sidebar/changes");
    assert.equal(neither.status, 400);
    assert.match(neither.body.message ?? "", /^customer: /);
  });
});
