import type Router from "@koa/router";
import type { Context } from "koa";
import QRCode from "qrcode";
import { createRouter } from "../router.ts";
import { siteOrigin } from "../siteOrigin.ts";
import { createFunnel, deleteFunnel, updateFunnel } from "../../commands/funnelEditor.ts";
import { storeImage } from "../../commands/funnelImages.ts";
import { isUsable } from "../../domain/funnelPool.ts";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Funnel, type StoredFunnel } from "../../models/Funnel.ts";
import { presentFunnel } from "../../presenters/funnel.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { posterHtml } from "../landing/html.ts";
import { FunnelCreateSchema, FunnelIdSchema, FunnelImageSchema, FunnelUpdateSchema } from "./funnelsSchema.ts";

interface Options {
  wecom: WeComClient;
  now: () => Date;
  /** PUBLIC_URL: the permanent QR points at it; unset, at the request's own origin. */
  publicUrl?: string | undefined;
}

const present = (funnel: StoredFunnel, now: Date) =>
  presentFunnel(funnel, new Set(funnel.groups.filter((group) => isUsable(group, funnel.threshold, now)).map((group) => group.key)));

async function funnelOf(id: string): Promise<StoredFunnel> {
  const funnel = await Funnel.findById(id).lean<StoredFunnel>();
  if (!funnel) {
    throw NotFoundError("funnel");
  }
  return funnel;
}

// RFC 6266: the Chinese name in filename*, an ASCII stand-in for old clients.
const attachment = (name: string) => `attachment; filename="funnel.png"; filename*=UTF-8''${encodeURIComponent(`${name}.png`)}`;

/**
 * 群活码 in the console: funnels, their pools, uploaded group QRs, and the permanent QR and
 * poster that point at the landing page (server/routes/landing).
 *
 * @param options the WeCom client, the clock and the site's origin.
 * @returns the router (mounted under /api/console).
 */
export function funnelsRouter(options: Options): Router {
  const router = createRouter();
  const landingUrl = (ctx: Context, slug: string) => `${siteOrigin(ctx, options.publicUrl)}/g/${slug}`;
  const context = () => ({ wecom: options.wecom, now: options.now() });

  router.get("/funnels", async (ctx) => {
    const funnels = await Funnel.find({}).sort({ createdAt: -1 }).limit(500).lean<StoredFunnel[]>();
    ctx.body = { data: funnels.map((funnel) => present(funnel, options.now())) };
  });

  router.post("/funnels", validate(FunnelCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, FunnelCreateSchema);
    const funnel = await createFunnel(body, context());
    ctx.status = 201;
    ctx.body = { data: present(funnel, options.now()) };
  });

  router.post("/funnels/images", validate(FunnelImageSchema), async (ctx) => {
    const { body } = inputOf(ctx, FunnelImageSchema);
    const stored = await storeImage(Buffer.from(body.data.replace(/^data:[^,]*,/, ""), "base64"));
    ctx.status = 201;
    ctx.body = { data: { imageId: stored.id, contentType: stored.contentType, bytes: stored.bytes } };
  });

  router.get("/funnels/:id", validate(FunnelIdSchema), async (ctx) => {
    ctx.body = { data: present(await funnelOf(inputOf(ctx, FunnelIdSchema).params.id), options.now()) };
  });

  router.get("/funnels/:id/pool", validate(FunnelIdSchema), async (ctx) => {
    const funnel = present(await funnelOf(inputOf(ctx, FunnelIdSchema).params.id), options.now());
    ctx.body = { data: { groups: funnel.groups, usableGroups: funnel.usableGroups, warning: funnel.warning, paused: funnel.paused } };
  });

  router.put("/funnels/:id", validate(FunnelUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, FunnelUpdateSchema);
    ctx.body = { data: present(await updateFunnel(params.id, body, context()), options.now()) };
  });

  router.delete("/funnels/:id", validate(FunnelIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, FunnelIdSchema);
    await deleteFunnel(params.id, context());
    ctx.body = { data: { id: params.id, deleted: true } };
  });

  router.get("/funnels/:id/qr.png", validate(FunnelIdSchema), async (ctx) => {
    const funnel = await funnelOf(inputOf(ctx, FunnelIdSchema).params.id);
    ctx.type = "image/png";
    ctx.set("Content-Disposition", attachment(funnel.name));
    ctx.body = await QRCode.toBuffer(landingUrl(ctx, funnel.slug), { type: "png", width: 1024, margin: 2, errorCorrectionLevel: "M" });
  });

  router.get("/funnels/:id/poster", validate(FunnelIdSchema), async (ctx) => {
    const funnel = await funnelOf(inputOf(ctx, FunnelIdSchema).params.id);
    const url = landingUrl(ctx, funnel.slug);
    const qr = await QRCode.toDataURL(url, { width: 640, margin: 1, errorCorrectionLevel: "M" });
    ctx.type = "text/html; charset=utf-8";
    ctx.body = posterHtml({ name: funnel.name, text: funnel.landingText, qrDataUrl: qr, url });
  });

  return router;
}
