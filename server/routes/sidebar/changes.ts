import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import { z } from "zod";
import { ValidationError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Customer } from "../../models/Customer.ts";
import { Follow } from "../../models/Follow.ts";
import { Group } from "../../models/Group.ts";
import { Member } from "../../models/Member.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
import { assertCustomer, assertGroup } from "../../security/authorization.ts";
import { createRouter } from "../router.ts";

const ChangesSchema = z.object({
  query: z
    .object({ customer: z.string().trim().min(1).max(128).optional(), chat: z.string().trim().min(1).max(128).optional() })
    .refine((query) => Boolean(query.customer) !== Boolean(query.chat), { message: "请指定一个客户或一个客户群", path: ["customer"] }),
});

/** How often the open chat's documents are re-read, and how often an idle stream says it is alive. */
export interface ChangeStreamOptions {
  pollMs?: number;
  heartbeatMs?: number;
}

/**
 * `GET /api/sidebar/changes?customer=<external_userid>` (or `?chat=<chat_id>`): a server-sent
 * event stream that says `changed` whenever what the sidebar shows for the open chat changed —
 * the customer, this guide's follow, the member it is linked to, or the group. The stream re-reads
 * those documents by key (a few unique lookups per poll), so it works whichever process handled
 * the change: the event processor, an order import, another guide.
 *
 * @param options polling and heartbeat intervals (tests shorten them).
 * @returns the router (mounted under /api/sidebar).
 */
export function sidebarChangesRouter(options: ChangeStreamOptions = {}): Router {
  const pollMs = options.pollMs ?? 2_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const router = createRouter();
  router.get("/changes", validate(ChangesSchema), async (ctx) => {
    const { query } = inputOf(ctx, ChangesSchema);
    const actor = actorOf(ctx);
    if (query.customer) {
      await assertCustomer(actor, query.customer);
    } else if (query.chat) {
      await assertGroup(actor, query.chat);
    } else {
      throw ValidationError("customer: 请指定一个客户或一个客户群");
    }
    const read = () => (query.customer ? customerFingerprint(query.customer, actor.userId) : groupFingerprint(query.chat ?? ""));
    let last = await read();
    const stream = new PassThrough();
    ctx.status = 200;
    ctx.type = "text/event-stream";
    ctx.set("Cache-Control", "no-cache, no-transform");
    // Proxies (nginx) buffer responses by default; an event stream must go out as written.
    ctx.set("X-Accel-Buffering", "no");
    ctx.body = stream;
    stream.write(`retry: ${pollMs}\nevent: ready\ndata: {}\n\n`);
    let polling = false;
    const poll = setInterval(() => {
      if (polling) {
        return;
      }
      polling = true;
      read()
        .then((now) => {
          if (now !== last) {
            last = now;
            stream.write(`event: changed\ndata: ${JSON.stringify({ customer: query.customer ?? null, chat: query.chat ?? null })}\n\n`);
          }
        })
        .catch(() => stream.end())
        .finally(() => {
          polling = false;
        });
    }, pollMs);
    const heartbeat = setInterval(() => stream.write(": alive\n\n"), heartbeatMs);
    const stop = () => {
      clearInterval(poll);
      clearInterval(heartbeat);
      stream.end();
    };
    ctx.req.once("close", stop);
    stream.once("close", stop);
  });
  return router;
}

const stamp = (doc: { updatedAt?: Date | null } | null) => (doc?.updatedAt ? doc.updatedAt.getTime() : 0);

async function customerFingerprint(externalUserId: string, userId: string | null): Promise<string> {
  const [customer, follow, identity] = await Promise.all([
    Customer.findOne({ externalUserId }, { updatedAt: 1 }).lean(),
    userId ? Follow.findOne({ externalUserId, userId }, { updatedAt: 1 }).lean() : null,
    MemberIdentity.findById(`customer:${externalUserId}`, { memberId: 1 }).lean(),
  ]);
  const member = identity ? await Member.findById(identity.memberId, { updatedAt: 1 }).lean() : null;
  return [stamp(customer), stamp(follow), String(identity?.memberId ?? ""), stamp(member)].join(":");
}

async function groupFingerprint(chatId: string): Promise<string> {
  return String(stamp(await Group.findOne({ chatId }, { updatedAt: 1 }).lean()));
}
