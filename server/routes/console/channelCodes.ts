import type Router from "@koa/router";
import type { Types } from "mongoose";
import { createRouter } from "../router.ts";
import { createChannelCode, deleteChannelCode, updateChannelCode } from "../../commands/channelCodeEditor.ts";
import { effectiveNow } from "../../commands/channelCodeSwitcher.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { AuthorizationError, NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { ChannelCode, type ChannelCodeAttrs } from "../../models/ChannelCode.ts";
import { ChannelCodeDay } from "../../models/ChannelCodeDay.ts";
import { WelcomeImage } from "../../models/WelcomeImage.ts";
import { presentChannelCode } from "../../presenters/channelCode.ts";
import { presentDeletion } from "../../presenters/deletion.ts";
import { channelCodeScopeFilter, type Actor } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import {
  ChannelCodeCreateSchema,
  ChannelCodeIdSchema,
  ChannelCodeListSchema,
  ChannelCodeUpdateSchema,
  WelcomeImageSchema,
} from "./channelCodesSchema.ts";

type StoredCode = ChannelCodeAttrs & { _id: Types.ObjectId };

/**
 * A code the actor may see; one outside a manager's stores is refused.
 *
 * @param actor who asks.
 * @param id the code's id.
 * @returns the stored code.
 */
export async function visibleCode(actor: Actor, id: string): Promise<StoredCode> {
  const code = (await ChannelCode.findById(id).lean()) as StoredCode | null;
  const scope = await channelCodeScopeFilter(actor);
  if (!code) {
    throw scope ? AuthorizationError("该活码不在您的管辖范围") : NotFoundError("channel code");
  }
  if (scope && !(await ChannelCode.exists({ _id: code._id, ...scope }))) {
    throw AuthorizationError("该活码不在您的管辖范围");
  }
  return code;
}

/**
 * Channel live codes (渠道活码): the console's list and editor and who answers now (statistics: channelCodeStats.ts).
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/console).
 */
export function channelCodesRouter({ wecom, now }: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();
  router.get("/channel-codes", validate(ChannelCodeListSchema), async (ctx) => {
    const { query } = inputOf(ctx, ChannelCodeListSchema);
    const scope = (await channelCodeScopeFilter(actorOf(ctx))) ?? {};
    const words = query.q ? new RegExp(escapeRegex(query.q), "i") : null;
    const filter = words ? { $and: [scope, { $or: [{ name: words }, { channel: words }, { state: words }] }] } : scope;
    const [codes, total] = await Promise.all([
      ChannelCode.find(filter).sort({ createdAt: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean(),
      ChannelCode.countDocuments(filter),
    ]);
    ctx.body = { data: (codes as StoredCode[]).map(presentChannelCode), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.post("/channel-codes", validate(ChannelCodeCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, ChannelCodeCreateSchema);
    ctx.status = 201;
    ctx.body = { data: presentChannelCode(await createChannelCode({ wecom, input: body, now: now() })) };
  });
  router.get("/channel-codes/:id", validate(ChannelCodeIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, ChannelCodeIdSchema);
    ctx.body = { data: presentChannelCode(await visibleCode(actorOf(ctx), params.id)) };
  });
  router.put("/channel-codes/:id", validate(ChannelCodeUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, ChannelCodeUpdateSchema);
    ctx.body = { data: presentChannelCode(await updateChannelCode({ wecom, id: params.id, input: body, now: now() })) };
  });
  router.delete("/channel-codes/:id", validate(ChannelCodeIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, ChannelCodeIdSchema);
    await deleteChannelCode({ wecom, id: params.id, now: now() });
    ctx.body = { data: presentDeletion(params.id) };
  });
  router.get("/channel-codes/:id/answering", validate(ChannelCodeIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, ChannelCodeIdSchema);
    const code = await visibleCode(actorOf(ctx), params.id);
    const at = now();
    const { effective, schedule, next } = await effectiveNow(code, at);
    const day = chinaDate(at);
    const userIds = [...new Set([...schedule.guides.map((guide) => guide.userId), ...schedule.backupGuides])];
    const counters = await Promise.all(userIds.map((userId) => ChannelCodeDay.findById(`${params.id}:${day}:${userId}`, { adds: 1 }).lean()));
    ctx.body = {
      data: {
        userIds: effective.userIds,
        skipVerify: effective.skipVerify,
        addsToday: userIds.map((userId, index) => ({ userId, adds: counters[index]?.adds ?? 0 })),
        dailyCap: code.dailyCap ?? null,
        nextSwitchAt: next.toISOString(),
      },
    };
  });
  router.post("/channel-code-images", validate(WelcomeImageSchema), async (ctx) => {
    const { body } = inputOf(ctx, WelcomeImageSchema);
    const image = await WelcomeImage.create({ filename: body.filename, contentType: body.contentType, data: Buffer.from(body.dataBase64, "base64") });
    ctx.status = 201;
    ctx.body = { data: { id: String(image._id), filename: image.filename } };
  });
  return router;
}
