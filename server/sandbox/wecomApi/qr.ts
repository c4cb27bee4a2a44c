import type { Context } from "koa";
import QRCode from "qrcode";
import { SandboxContactWay, SandboxJoinWay, sandboxJoinWayQrExpired } from "../models/index.ts";

/** What a stand-in QR stands for. */
export type QrKind = "contact_way" | "join_way";

const QR_PATH = /^\/qr\/(contact_way|join_way)\/([A-Za-z0-9_-]{1,64})\.png$/;

/**
 * The URL of a contact way's or join way's QR image, served by the stand-in itself.
 *
 * @param baseUrl the stand-in's origin.
 * @param kind contact way or join way.
 * @param configId the way's config_id.
 * @returns the image URL.
 */
export function qrUrl(baseUrl: string, kind: QrKind, configId: string): string {
  return `${baseUrl}/qr/${kind}/${configId}.png`;
}

/**
 * What the QR encodes: not a WeCom URL (nothing outside the sandbox can act on it), but a marker
 * the sandbox page can recognise.
 *
 * @param kind contact way or join way.
 * @param configId the way's config_id.
 * @returns the text.
 */
export function qrText(kind: QrKind, configId: string): string {
  return `wecom-sandbox:${kind}:${configId}`;
}

/**
 * Serve `/qr/<kind>/<config_id>.png`: 404 for an unknown way, 410 for a join way whose QR expired.
 *
 * @param ctx the request.
 * @param now the stand-in's clock.
 * @returns true when the path was a QR path (answered), false otherwise.
 */
export async function serveQr(ctx: Context, now: Date): Promise<boolean> {
  const match = QR_PATH.exec(ctx.path);
  if (!match || ctx.method !== "GET") {
    return false;
  }
  const kind = match[1] as QrKind;
  const configId = match[2] as string;
  if (kind === "contact_way") {
    if (!(await SandboxContactWay.exists({ _id: configId }))) {
      return notFound(ctx);
    }
  } else {
    const way = await SandboxJoinWay.findById(configId, { created_at: 1 }).lean();
    if (!way) {
      return notFound(ctx);
    }
    if (sandboxJoinWayQrExpired(way, now)) {
      ctx.status = 410;
      ctx.body = "qr code expired";
      return true;
    }
  }
  ctx.type = "image/png";
  ctx.set("cache-control", "no-store");
  ctx.body = await QRCode.toBuffer(qrText(kind, configId), { type: "png", width: 280, margin: 2 });
  return true;
}

function notFound(ctx: Context): true {
  ctx.status = 404;
  ctx.body = "not found";
  return true;
}
