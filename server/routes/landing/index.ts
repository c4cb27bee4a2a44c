import crypto from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import { createRouter } from "../router.ts";
import { recordVisit } from "../../commands/funnelVisits.ts";
import { readImage, type StoredImage } from "../../commands/funnelImages.ts";
import { cachedLanding, type CachedLanding } from "../../commands/landingCache.ts";
import { landingChoice } from "../../domain/funnelPool.ts";
import { Funnel, type StoredFunnel } from "../../models/Funnel.ts";
import { landingHtml, type LandingView } from "./html.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;
const IMAGE_ID = /^[0-9a-f]{24}$/;
const VISITOR_COOKIE = "gv";
const NOT_FOUND: CachedLanding = { status: 404, html: landingHtml({ kind: "not_found" }), funnelId: null };
// Uploaded QRs change only by upload (a new id), so a minute in memory is safe and spares GridFS.
const IMAGE_TTL_MS = 60_000;
const images = new Map<string, { image: StoredImage | null; expires: number }>();

async function render(slug: string, now: Date): Promise<CachedLanding> {
  const funnel = await Funnel.findOne({ slug }).lean<StoredFunnel>();
  if (!funnel) {
    return NOT_FOUND;
  }
  const common = { title: funnel.name, text: funnel.landingText, imageUrl: funnel.landingImageUrl };
  const choice = landingChoice(funnel, now);
  let view: LandingView = { kind: "empty", ...common };
  if (choice.kind === "paused") {
    view = { kind: "paused", ...common };
  } else if (choice.kind === "join_way" && funnel.joinWay?.qrCode) {
    const group = funnel.groups.find((entry) => entry.chatId === choice.chatId);
    view = { kind: "active", ...common, groupName: group?.name || funnel.joinWay.roomBaseName, qrSrc: funnel.joinWay.qrCode };
  } else if (choice.kind === "image") {
    const group = funnel.groups.find((entry) => entry.key === choice.key);
    view = { kind: "active", ...common, groupName: group?.name ?? "", qrSrc: `/g/${slug}/qr/${group?.imageId ?? ""}` };
  }
  return { status: 200, html: landingHtml(view), funnelId: String(funnel._id) };
}

// Unique per browser and funnel: the cookie's path is the funnel's page, so each funnel sees
// its own first visit. A browser that refuses cookies counts as new every time.
function countVisit(ctx: Context, slug: string, funnelId: string, at: Date): void {
  const known = Boolean(ctx.cookies.get(VISITOR_COOKIE));
  if (!known) {
    ctx.cookies.set(VISITOR_COOKIE, crypto.randomBytes(9).toString("base64url"), {
      path: `/g/${slug}`,
      maxAge: 365 * 24 * 3600 * 1000,
      httpOnly: true,
      sameSite: "lax",
      signed: false,
      overwrite: true,
    });
  }
  recordVisit(funnelId, !known, at);
}

async function imageFor(slug: string, imageId: string): Promise<StoredImage | null> {
  const key = `${slug}:${imageId}`;
  const hit = images.get(key);
  if (hit && hit.expires > Date.now()) {
    return hit.image;
  }
  // Only a QR of this funnel's pool: the route must not serve any file by id.
  const owned = await Funnel.exists({ slug, "groups.imageId": imageId });
  const image = owned ? await readImage(imageId) : null;
  if (images.size > 500) {
    images.clear();
  }
  images.set(key, { image, expires: Date.now() + IMAGE_TTL_MS });
  return image;
}

/**
 * The funnel landing page `/g/<slug>` a customer's phone opens from the permanent QR, and the
 * uploaded group QRs it shows. Public: no login, outside /api/.
 *
 * @param options the clock.
 * @returns the router.
 */
export function landingRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.get("/g/:slug", async (ctx) => {
    const slug = ctx.params.slug ?? "";
    const answer = SLUG.test(slug) ? await cachedLanding(slug, () => render(slug, options.now())) : NOT_FOUND;
    if (answer.funnelId) {
      countVisit(ctx, slug, answer.funnelId, options.now());
    }
    ctx.status = answer.status;
    ctx.type = "text/html; charset=utf-8";
    // The QR behind the page rotates: a phone must not show yesterday's group from its cache.
    ctx.set("Cache-Control", "no-store");
    ctx.body = answer.html;
  });

  router.get("/g/:slug/qr/:imageId", async (ctx) => {
    const slug = ctx.params.slug ?? "";
    const imageId = ctx.params.imageId ?? "";
    const image = SLUG.test(slug) && IMAGE_ID.test(imageId) ? await imageFor(slug, imageId) : null;
    if (!image) {
      ctx.status = 404;
      ctx.type = "text/html; charset=utf-8";
      ctx.body = NOT_FOUND.html;
      return;
    }
    ctx.type = image.contentType;
    ctx.set("Cache-Control", "public, max-age=300");
    ctx.body = image.data;
  });

  return router;
}
