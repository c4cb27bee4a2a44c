// WeChat's JS-SDK on the draw page (wecom-reference.md §8.3, §9.2): WeChat offers
// requestMerchantTransfer only to a page that ran wx.config with the official account's
// signature, and only in a WeChat new enough to have it (wx.checkJsApi says so).
import { drawApi } from "./api";

const SCRIPT = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js";

interface Wx {
  config(options: Record<string, unknown>): void;
  ready(callback: () => void): void;
  error(callback: (result: { errMsg?: string }) => void): void;
  checkJsApi(options: { jsApiList: string[]; success: (result: { checkResult?: Record<string, boolean> }) => void; fail?: () => void }): void;
}

/** Why the confirmation cannot be shown, in the customer's words; null when it can. */
export type TransferReadiness = null | "update_wechat" | "config_failed";

let ready: Promise<TransferReadiness> | null = null;

function loadScript(): Promise<Wx> {
  const loaded = (window as unknown as { wx?: Wx }).wx;
  if (loaded) {
    return Promise.resolve(loaded);
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = SCRIPT;
    script.onload = () => {
      const wx = (window as unknown as { wx?: Wx }).wx;
      if (wx) {
        resolve(wx);
      } else {
        reject(new Error("jweixin did not define wx"));
      }
    };
    script.onerror = () => reject(new Error("jweixin could not be loaded"));
    document.head.appendChild(script);
  });
}

async function configure(): Promise<TransferReadiness> {
  const [wx, config] = await Promise.all([loadScript(), drawApi.wxConfig()]);
  return new Promise((resolve) => {
    wx.error(() => resolve("config_failed"));
    wx.ready(() =>
      wx.checkJsApi({
        jsApiList: ["requestMerchantTransfer"],
        success: (result) => resolve(result.checkResult?.["requestMerchantTransfer"] ? null : "update_wechat"),
        fail: () => resolve("update_wechat"),
      }),
    );
    wx.config({ debug: false, appId: config.appId, timestamp: config.timestamp, nonceStr: config.nonceStr, signature: config.signature, jsApiList: config.jsApiList });
  });
}

/**
 * Configure the JS-SDK once per page view.
 *
 * @returns null when requestMerchantTransfer can be called, else why not.
 */
export function merchantTransferReady(): Promise<TransferReadiness> {
  ready ??= configure().catch(() => {
    // A failed load or signature may pass (a network blip): the next tap tries again.
    ready = null;
    return "config_failed" as const;
  });
  return ready;
}
