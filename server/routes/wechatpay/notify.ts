import type Router from "@koa/router";
import type { Context } from "koa";
import getRawBody from "raw-body";
import { createRouter } from "../router.ts";
import { wechatPayClient } from "../../commands/cashPayout.ts";
import { applyBill } from "../../commands/cashTransferAdvancer.ts";
import { getLogger } from "../../logging/logger.ts";
import { forbiddenKeyPath } from "../../middlewares/jsonBody.ts";
import { CashBillNo } from "../../models/CashTransfer.ts";
import { openNotification } from "../../wechatpay/notification.ts";
import { signedHeadersOf } from "../../wechatpay/signature.ts";

/** Transfer notifications are small; anything larger is not WeChat Pay's. */
export const MAX_NOTIFY_BYTES = 64 * 1024;

// WeChat Pay reads 4xx/5xx with {code: "FAIL"} as "retry later" (wecom-reference §7.4).
function refuse(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = { code: "FAIL", message };
}

/**
 * `POST /wechatpay/notify`: WeChat Pay's transfer-bill results (wecom-reference §7.4, §9.3). The raw
 * body is read here (no JSON parser runs on this router), verified, decrypted and applied by key
 * with no outbound call, so it answers well within WeChat Pay's 5 s. Forged, stale (replayed) or
 * undecryptable notifications are refused with 401 and change nothing.
 *
 * @param options the clock.
 * @returns the router.
 */
export function wechatPayNotifyRouter({ now }: { now: () => Date }): Router {
  const router = createRouter();
  const log = getLogger("wechatpay");
  router.post("/wechatpay/notify", async (ctx) => {
    let rawBody: string;
    try {
      rawBody = await getRawBody(ctx.req, { limit: MAX_NOTIFY_BYTES, encoding: "utf8" });
    } catch {
      refuse(ctx, 400, "body: 请求体无效或过大");
      return;
    }
    // A body that is not JSON, or carries prototype keys, is nobody's notification: refused as
    // every route refuses it (the signature is checked over the raw text, untouched by this parse).
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      refuse(ctx, 400, "body: 请求体不是有效的 JSON");
      return;
    }
    const forbidden = forbiddenKeyPath(parsed, "body");
    if (forbidden) {
      refuse(ctx, 400, `${forbidden}: 不允许的字段`);
      return;
    }
    const header = (name: string) => ctx.get(name) || undefined;
    // Unsigned is refused before anything else: whoever sent it, it is not WeChat Pay.
    if (!signedHeadersOf(header)) {
      log.warn({ reason: "unsigned", ip: ctx.ip }, "wechatpay notification refused");
      refuse(ctx, 401, "signature: 缺少微信支付签名");
      return;
    }
    const client = wechatPayClient();
    if (!client) {
      refuse(ctx, 503, "wechatpay: 未配置微信支付");
      return;
    }
    const at = now();
    const opened = openNotification({ header, rawBody, config: client.config, now: at });
    if (!opened.ok) {
      // The reason only: the body and headers are WeChat Pay's (or an attacker's) and stay out of the log.
      log.warn({ reason: opened.reason, ip: ctx.ip }, "wechatpay notification refused");
      refuse(ctx, 401, opened.reason === "stale" ? "timestamp: 通知已过期" : "signature: 签名验证失败");
      return;
    }
    const owner = await CashBillNo.findById(opened.bill.out_bill_no).lean();
    if (!owner) {
      // Genuine but not ours to apply (a bill made elsewhere): acknowledged so it is not resent.
      log.warn({ notificationId: opened.id, eventType: opened.eventType }, "wechatpay notification for an unknown bill");
      ctx.status = 204;
      return;
    }
    const changed = await applyBill(owner.winId, { ...opened.bill }, at, opened.id);
    log.info({ notificationId: opened.id, eventType: opened.eventType, winId: owner.winId, state: opened.bill.state, changed }, changed ? "wechatpay notification applied" : "wechatpay notification already applied");
    ctx.status = 204;
  });
  return router;
}
