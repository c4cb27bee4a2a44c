// The real bridge, on @wecom/jssdk. Only index.ts imports this file, and only dynamically, so
// the SDK stays out of the first screen everywhere but inside WeCom.
import * as ww from "@wecom/jssdk";
import { api, query } from "../api";
import { BridgeError, type BridgeOptions, type ChatMessage, type Entry, type WeComBridge } from "./index";

const SIGN_FAILED = "企业微信接口签名失败，请重新打开侧边栏";

// Every customer-contact API must be registered with the app identity (agentConfig), wecom-reference §6.4.
const JS_API_LIST = ["getContext", "getCurExternalContact", "getCurExternalChat", "sendChatMessage", "openEnterpriseChat"];

interface Signature {
  timestamp: number | string;
  nonceStr: string;
  signature: string;
  /** Names the server's ticket behind the signature (never the ticket itself). */
  ticketId: string;
}

// Set for the retry after a failed config. The server fetches a new ticket only when the one we
// report is still the one it signs with, so the retry names the ticket of the last signature of
// each kind; many sidebars failing at once then cost WeCom's ticket quota one fetch.
let fresh = false;
const lastTicketId: Partial<Record<"config" | "agentConfig", string>> = {};

/** The SDK hands us the URL it will verify (location.href without the hash); sign exactly that. */
function signer(type: "config" | "agentConfig") {
  return async (url: string) => {
    const failed = fresh ? lastTicketId[type] : undefined;
    const signed = await api.get<Signature>(`/api/sidebar/jssdk/signature${query({ url, type, fresh: failed ? "1" : undefined, ticketId: failed })}`);
    lastTicketId[type] = signed.ticketId;
    return { timestamp: signed.timestamp, nonceStr: signed.nonceStr, signature: signed.signature };
  };
}

/**
 * Wait for agentConfig. A failed config task is discarded by the SDK, so asking again re-signs:
 * one retry covers a stale ticket or a blip on our server; a second failure will not heal by
 * itself, so the guide is told to reopen the sidebar.
 */
async function ensureReady(): Promise<void> {
  try {
    await ww.ensureAgentConfigReady();
  } catch {
    fresh = true;
    try {
      await ww.ensureAgentConfigReady();
    } catch {
      throw new BridgeError(SIGN_FAILED);
    } finally {
      fresh = false;
    }
  }
}

/** Turn the SDK's `{errMsg: "<api>:fail ..."}` rejections into words for the guide. */
function explain(error: unknown): BridgeError {
  if (error instanceof BridgeError) {
    return error;
  }
  const errMsg = typeof error === "object" && error !== null && "errMsg" in error ? String((error as { errMsg: unknown }).errMsg) : String(error);
  if (/cancel/i.test(errMsg)) {
    return new BridgeError("已取消");
  }
  if (/no permission|permission denied/i.test(errMsg)) {
    return new BridgeError("没有权限：请确认本应用已开通客户联系，且您已配置客户联系功能");
  }
  if (/without context/i.test(errMsg)) {
    return new BridgeError("请从客户或客户群的聊天工具栏打开");
  }
  return new BridgeError(`企业微信接口调用失败（${errMsg}）`);
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  await ensureReady();
  try {
    return await run();
  } catch (error) {
    throw explain(error);
  }
}

/**
 * Register the app with the SDK and expose the calls the sidebar uses.
 *
 * @param options corp and app ids from the server.
 * @returns the bridge.
 */
export function createWeComBridge(options: BridgeOptions): WeComBridge {
  ww.register({
    corpId: options.corpId,
    agentId: options.agentId,
    jsApiList: JS_API_LIST,
    // WeCom < 3.0.24 runs config before agentConfig, so both signers are needed (§6.5).
    getConfigSignature: signer("config"),
    getAgentConfigSignature: signer("agentConfig"),
  });
  return {
    kind: "wecom",
    getContext: () => call(async () => ({ entry: (await ww.getContext()).entry as Entry })),
    getCurExternalContact: () => call(async () => ({ userId: (await ww.getCurExternalContact()).userId })),
    getCurExternalChat: () => call(async () => ({ chatId: (await ww.getCurExternalChat()).chatId })),
    sendChatMessage: (message: ChatMessage) =>
      call(async () => {
        await ww.sendChatMessage(message);
      }),
    // A single chat: the guide (implicit) and one customer, no group name.
    openCustomerChat: (externalUserId: string) =>
      call(async () => {
        await ww.openEnterpriseChat({ userIds: [], externalUserIds: [externalUserId], groupName: "" });
      }),
  };
}
