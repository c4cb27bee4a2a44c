// A tiny WeCom for bench:outreach: gettoken, add_msg_template and get_groupmsg_list_v2, with a
// per-window call limit on add_msg_template (45009 past it, as WeCom answers) and a count of
// every task created, so a task created twice is seen.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface OutreachStub {
  url: string;
  /** add_msg_template calls answered, accepted or refused with 45009. */
  calls: number;
  accepted: number;
  refused: number;
  /** Tasks (text + sender + first recipient) created more than once. */
  twice(): number;
  /** Accepted add_msg_template calls for a text. */
  acceptedFor(text: string): number;
  /** How many of the stub's windows a text's accepted calls spanned, first to last. */
  windowsFor(text: string): number;
  close(): Promise<void>;
}

/**
 * @param limit accepted calls per window.
 * @param windowMs the window, aligned on the epoch like the limiter's.
 * @param latencyMs how long an accepted add_msg_template takes to answer.
 * @returns the running stub.
 */
export async function startOutreachStub(limit: number, windowMs: number, latencyMs = 40): Promise<OutreachStub> {
  const created = new Map<string, number>();
  const perText = new Map<string, number>();
  const spans = new Map<string, { first: number; last: number }>();
  const byCreator = new Map<string, { msgid: string; creator: string; create_time: number; text: { content: string } }[]>();
  const windows = new Map<number, number>();
  let seq = 0;
  const stub = {
    url: "",
    calls: 0,
    accepted: 0,
    refused: 0,
    twice: () => [...created.values()].filter((count) => count > 1).length,
    acceptedFor: (text: string) => perText.get(text) ?? 0,
    windowsFor: (text: string) => {
      const span = spans.get(text);
      return span ? span.last - span.first + 1 : 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const answer = (response: http.ServerResponse, body: unknown) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = (request.url ?? "").split("?")[0];
      if (path === "/cgi-bin/gettoken") {
        answer(response, { errcode: 0, errmsg: "ok", access_token: "bench-token", expires_in: 7200 });
        return;
      }
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      if (path === "/cgi-bin/externalcontact/add_msg_template") {
        stub.calls += 1;
        const window = Math.floor(Date.now() / windowMs);
        const used = windows.get(window) ?? 0;
        if (used >= limit) {
          stub.refused += 1;
          answer(response, { errcode: 45009, errmsg: "api freq out of limit" });
          return;
        }
        windows.set(window, used + 1);
        stub.accepted += 1;
        const text = (body["text"] as { content: string } | undefined)?.content ?? "";
        const sender = String(body["sender"]);
        const key = `${text}|${sender}|${(body["external_userid"] as string[] | undefined)?.[0] ?? ""}`;
        created.set(key, (created.get(key) ?? 0) + 1);
        perText.set(text, (perText.get(text) ?? 0) + 1);
        spans.set(text, { first: spans.get(text)?.first ?? window, last: window });
        const msgid = `msg${++seq}`;
        const list = byCreator.get(sender) ?? [];
        list.push({ msgid, creator: sender, create_time: Math.floor(Date.now() / 1000), text: { content: text } });
        byCreator.set(sender, list);
        // WeCom has created the task before its answer arrives: a process killed in between has a
        // task it does not know about, which the resume must find in get_groupmsg_list_v2.
        setTimeout(() => answer(response, { errcode: 0, errmsg: "ok", msgid, fail_list: [] }), latencyMs);
        return;
      }
      if (path === "/cgi-bin/externalcontact/get_groupmsg_list_v2") {
        const list = (byCreator.get(String(body["creator"])) ?? []).filter((entry) => entry.create_time >= Number(body["start_time"]) && entry.create_time <= Number(body["end_time"]));
        answer(response, { errcode: 0, errmsg: "ok", next_cursor: "", group_msg_list: list });
        return;
      }
      answer(response, { errcode: 40058, errmsg: `bench stub does not answer ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}
