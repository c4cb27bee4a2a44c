import crypto from "node:crypto";
// The one outbound door to WeChat Pay, as server/wecom/client.ts is to WeCom.
// eslint-disable-next-line no-restricted-imports
import axios, { type AxiosInstance } from "axios";
import { getLogger } from "../logging/logger.ts";
import type { BillState } from "../models/CashTransfer.ts";
import type { WeChatPayConfig } from "./config.ts";
import { RequestSigner, signedHeadersOf, verifyWeChatPaySignature } from "./signature.ts";

const BILLS = "/v3/fund-app/mch-transfer/transfer-bills";

/** A transfer bill as WeChat Pay answers a create or a query (wecom-reference §7.2, §9.3). */
export interface TransferBill {
  out_bill_no: string;
  transfer_bill_no?: string;
  state: BillState;
  fail_reason?: string;
  package_info?: string;
  create_time?: string;
  update_time?: string;
}

/** Per-call options. */
export interface CallOptions {
  timeoutMs?: number;
}

/** What to create (wecom-reference §7.2, §9.1). */
export interface CreateBill {
  outBillNo: string;
  openid: string;
  amountFen: number;
  remark: string;
  activityName: string;
  rewardDescription: string;
}

/**
 * The outcome of one call. `answered`: WeChat Pay answered 2xx with a verified signature.
 * `refused`: a 4xx with its code (the request was understood and refused: nothing was done).
 * `unknown`: no trustworthy answer (timeout, network, 5xx, a signature that does not verify) —
 * whatever was asked may or may not have happened.
 */
export type PayCall<T> = { kind: "answered"; data: T } | { kind: "refused"; status: number; code: string; message: string } | { kind: "unknown"; reason: string };

/** Signed calls to WeChat Pay's transfer-bills API, with answers verified (wecom-reference §7.1, §7.2). */
export class WeChatPayClient {
  private readonly http: AxiosInstance;
  private readonly signer: RequestSigner;
  private readonly log = getLogger("wechatpay");
  private readonly timeoutMs: number;

  /**
   * @param config merchant, keys and host.
   * @param options the per-request timeout (10 s by default).
   */
  constructor(
    readonly config: WeChatPayConfig,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.http = axios.create({ baseURL: config.apiBase, timeout: this.timeoutMs, transformResponse: (data: unknown) => data, validateStatus: () => true });
    this.signer = new RequestSigner(config);
  }

  /**
   * Create a transfer bill for scene 1000 (现金营销); the user then confirms it.
   *
   * @param bill the bill.
   * @param options a shorter timeout than the client's (a caller that must answer a person soon).
   * @returns the bill (WAIT_USER_CONFIRM with package_info, usually).
   */
  createBill(bill: CreateBill, options: CallOptions = {}): Promise<PayCall<TransferBill>> {
    return this.call<TransferBill>("POST", BILLS, options, {
      appid: this.config.appId,
      out_bill_no: bill.outBillNo,
      transfer_scene_id: "1000",
      openid: bill.openid,
      transfer_amount: bill.amountFen,
      transfer_remark: bill.remark,
      notify_url: this.config.notifyUrl,
      user_recv_perception: "活动奖励",
      // Scene 1000 requires exactly these two items (wecom-reference §9.1).
      transfer_scene_report_infos: [
        { info_type: "活动名称", info_content: bill.activityName },
        { info_type: "奖励说明", info_content: bill.rewardDescription },
      ],
    });
  }

  /**
   * @param outBillNo our bill number.
   * @param options a shorter timeout than the client's.
   * @returns the bill, or refused with code NOT_FOUND when no such bill exists.
   */
  queryBill(outBillNo: string, options: CallOptions = {}): Promise<PayCall<TransferBill>> {
    return this.call<TransferBill>("GET", `${BILLS}/out-bill-no/${encodeURIComponent(outBillNo)}`, options);
  }

  /**
   * Cancel a bill the user has not confirmed (→ CANCELING → CANCELLED).
   *
   * @param outBillNo our bill number.
   * @returns the bill's new state.
   */
  cancelBill(outBillNo: string): Promise<PayCall<{ out_bill_no: string; state: BillState; update_time?: string }>> {
    return this.call("POST", `${BILLS}/out-bill-no/${encodeURIComponent(outBillNo)}/cancel`, {});
  }

  private async call<T>(method: "GET" | "POST", path: string, options: CallOptions, body?: unknown): Promise<PayCall<T>> {
    const text = body === undefined ? "" : JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(16).toString("hex");
    const headers: Record<string, string> = {
      Authorization: this.signer.authorization(method, path, text, timestamp, nonce),
      Accept: "application/json",
      "User-Agent": "retail-scrm/0.1",
    };
    if (text !== "") {
      headers["Content-Type"] = "application/json";
    }
    const started = Date.now();
    // The path names our bill number only; bodies (openid) and headers (signature) are never logged.
    const logPath = path.replace(/\/out-bill-no\/[^/]+/, "/out-bill-no/:no");
    let response;
    try {
      response = await this.http.request<string>({ method, url: path, data: text === "" ? undefined : text, headers, ...(options.timeoutMs ? { timeout: Math.min(options.timeoutMs, this.timeoutMs) } : {}) });
    } catch (error) {
      // Deliberately only the code: the axios error carries the request, headers and body.
      const code = axios.isAxiosError(error) ? (error.code ?? "network") : "error";
      this.log.warn({ path: logPath, method, code, ms: Date.now() - started }, "wechatpay call got no answer");
      return { kind: "unknown", reason: code === "ECONNABORTED" || code === "ETIMEDOUT" ? "timeout" : code };
    }
    const raw = typeof response.data === "string" ? response.data : "";
    this.log.info({ path: logPath, method, status: response.status, ms: Date.now() - started }, "wechatpay call");
    if (response.status >= 500) {
      return { kind: "unknown", reason: `http ${response.status}` };
    }
    if (response.status >= 400) {
      const { code, message } = parseError(raw);
      return { kind: "refused", status: response.status, code, message };
    }
    const signed = signedHeadersOf((name) => response.headers[name]);
    if (!signed || !verifyWeChatPaySignature(signed, raw, this.config.platformKeys)) {
      this.log.warn({ path: logPath, method, status: response.status }, "wechatpay answer signature did not verify");
      return { kind: "unknown", reason: "bad signature" };
    }
    try {
      return { kind: "answered", data: (raw === "" ? {} : JSON.parse(raw)) as T };
    } catch {
      return { kind: "unknown", reason: "unreadable answer" };
    }
  }
}

function parseError(raw: string): { code: string; message: string } {
  try {
    const parsed = JSON.parse(raw) as { code?: unknown; message?: unknown };
    return { code: typeof parsed.code === "string" ? parsed.code : "UNKNOWN", message: typeof parsed.message === "string" ? parsed.message.slice(0, 200) : "" };
  } catch {
    return { code: "UNKNOWN", message: "" };
  }
}
