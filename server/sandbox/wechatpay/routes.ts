// The sandbox's stand-in for WeChat Pay's transfer-bills API (wecom-reference §7.1, §7.2, §9),
// mounted at /sandbox/wechatpay on the product's own server: it checks the merchant's signature as
// WeChat Pay does, signs its answers with the sandbox platform key, and offers the sandbox phone a
// stand-in for requestMerchantTransfer (POST /sandbox/wechatpay/confirm).
import crypto from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import getRawBody from "raw-body";
import { z } from "zod";
import { createRouter } from "../../routes/router.ts";
import { SANDBOX_MP_APPID, sandboxOpenid } from "../wechatOAuth.ts";
import { createStandInBill, finishStandInBill, standInBill, standInBillByPackage, standInSignature, type StandInBill } from "./bills.ts";
import { SANDBOX_MCH_ID, STAND_IN_PREFIX, sandboxPayKeys } from "./keys.ts";

const BILLS = "/v3/fund-app/mch-transfer/transfer-bills";
const PHONE_COOKIE = "sandbox_wechat_user";

const CreateSchema = z.object({
  appid: z.string(),
  out_bill_no: z.string().regex(/^[0-9A-Za-z]{1,32}$/),
  transfer_scene_id: z.literal("1000"),
  openid: z.string().min(1),
  transfer_amount: z.number().int().min(1),
  transfer_remark: z.string().min(1).refine((text) => [...text].length <= 32),
  notify_url: z.url(),
  user_recv_perception: z.string().optional(),
  transfer_scene_report_infos: z.array(z.object({ info_type: z.string(), info_content: z.string().min(1).refine((text) => [...text].length <= 32) })),
});

const ConfirmSchema = z.object({ mchId: z.string(), appId: z.string(), package: z.string().min(1).max(1024) });

function answer(ctx: Context, status: number, data: unknown): void {
  const body = JSON.stringify(data);
  ctx.status = status;
  ctx.type = "application/json";
  ctx.set(standInSignature(body));
  ctx.body = body;
}

const refuse = (ctx: Context, status: number, code: string, message: string) => answer(ctx, status, { code, message });

// The merchant's Authorization header checked against the sandbox merchant key (wecom-reference §7.1).
function signedByMerchant(ctx: Context, rawBody: string): boolean {
  const header = ctx.get("authorization");
  const [scheme, rest = ""] = header.split(" ", 2);
  const fields = Object.fromEntries([...rest.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
  if (scheme !== "WECHATPAY2-SHA256-RSA2048" || fields.mchid !== SANDBOX_MCH_ID || !fields.signature) {
    return false;
  }
  const path = ctx.url.slice(STAND_IN_PREFIX.length);
  const message = `${ctx.method}\n${path}\n${fields.timestamp}\n${fields.nonce_str}\n${rawBody}\n`;
  return crypto.verify("RSA-SHA256", Buffer.from(message), sandboxPayKeys().merchantPublic, Buffer.from(fields.signature, "base64"));
}

const view = (bill: StandInBill) => ({
  mch_id: bill.mch_id,
  out_bill_no: bill.out_bill_no,
  transfer_bill_no: bill.transfer_bill_no,
  appid: bill.appid,
  state: bill.state,
  transfer_amount: bill.transfer_amount,
  transfer_remark: bill.transfer_remark,
  ...(bill.fail_reason ? { fail_reason: bill.fail_reason } : {}),
  openid: bill.openid,
  create_time: bill.create_time,
  update_time: bill.update_time,
});

/**
 * @param options the clock.
 * @returns the stand-in's routes (inside the sandbox router, whose prefix is /sandbox).
 */
export function sandboxWeChatPayRouter({ now }: { now: () => Date }): Router {
  const router = createRouter();
  const merchantCall = async (ctx: Context): Promise<string | null> => {
    const raw = await getRawBody(ctx.req, { limit: "64kb", encoding: "utf8" });
    if (!signedByMerchant(ctx, raw)) {
      refuse(ctx, 401, "SIGN_ERROR", "签名错误");
      return null;
    }
    return raw;
  };

  router.post(`/wechatpay${BILLS}`, async (ctx) => {
    const raw = await merchantCall(ctx);
    if (raw === null) {
      return;
    }
    let fields;
    try {
      fields = CreateSchema.parse(JSON.parse(raw));
    } catch {
      refuse(ctx, 400, "PARAM_ERROR", "参数错误");
      return;
    }
    if (fields.appid !== SANDBOX_MP_APPID) {
      refuse(ctx, 400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
      return;
    }
    if (fields.user_recv_perception !== undefined && !["现金奖励", "活动奖励"].includes(fields.user_recv_perception)) {
      refuse(ctx, 400, "INVALID_REQUEST", "暂不支持展示当前传入的用户收款感知");
      return;
    }
    const infoTypes = fields.transfer_scene_report_infos.map((info) => info.info_type).sort();
    if (infoTypes.join() !== ["奖励说明", "活动名称"].sort().join()) {
      refuse(ctx, 400, "PARAM_ERROR", "需传入转账场景报备信息,请检查");
      return;
    }
    const bill = createStandInBill(fields, now());
    answer(ctx, 200, { out_bill_no: bill.out_bill_no, transfer_bill_no: bill.transfer_bill_no, create_time: bill.create_time, state: bill.state, package_info: bill.package_info });
  });

  router.get(`/wechatpay${BILLS}/out-bill-no/:outBillNo`, async (ctx) => {
    if ((await merchantCall(ctx)) === null) {
      return;
    }
    const bill = standInBill(ctx.params.outBillNo ?? "");
    if (!bill) {
      refuse(ctx, 404, "NOT_FOUND", "记录不存在");
      return;
    }
    answer(ctx, 200, view(bill));
  });

  router.post(`/wechatpay${BILLS}/out-bill-no/:outBillNo/cancel`, async (ctx) => {
    if ((await merchantCall(ctx)) === null) {
      return;
    }
    const bill = standInBill(ctx.params.outBillNo ?? "");
    if (!bill) {
      refuse(ctx, 404, "NOT_FOUND", "记录不存在");
      return;
    }
    if (bill.state !== "WAIT_USER_CONFIRM") {
      refuse(ctx, 400, "INVALID_REQUEST", "当前单据状态不支持撤销");
      return;
    }
    finishStandInBill(bill, "CANCELLED", now(), "MCH_CANCEL");
    answer(ctx, 200, { out_bill_no: bill.out_bill_no, transfer_bill_no: bill.transfer_bill_no, state: "CANCELING", update_time: bill.update_time });
  });

  // The sandbox phone's requestMerchantTransfer: the user confirms receipt. As in WeChat, ok only
  // says the page was shown; the draw page learns the result from the product (notification).
  router.post("/wechatpay/confirm", async (ctx) => {
    let input;
    try {
      input = ConfirmSchema.parse(JSON.parse(await getRawBody(ctx.req, { limit: "8kb", encoding: "utf8" })));
    } catch {
      ctx.status = 400;
      ctx.body = { err_msg: "requestMerchantTransfer:fail", message: "body: 参数错误" };
      return;
    }
    const bill = standInBillByPackage(input.package);
    if (!bill || bill.state !== "WAIT_USER_CONFIRM" || input.mchId !== bill.mch_id || input.appId !== bill.appid) {
      ctx.body = { err_msg: "requestMerchantTransfer:fail", message: "package_info信息有误" };
      return;
    }
    const phone = ctx.cookies.get(PHONE_COOKIE);
    if (phone && sandboxOpenid(phone) !== bill.openid) {
      ctx.body = { err_msg: "requestMerchantTransfer:fail", message: "你的微信号与商家指定的微信号不一致" };
      return;
    }
    finishStandInBill(bill, "SUCCESS", now());
    ctx.body = { err_msg: "requestMerchantTransfer:ok" };
  });

  return router;
}
