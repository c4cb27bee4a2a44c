// The local stand-in for the JS-SDK, for development and browser tests outside WeCom. The chat
// context comes from the page's query (?entry=single_chat_tools&contact=… or
// ?entry=group_chat_tools&chat=…), and every call is recorded on window.__wwStandIn so a test can
// check what would have been sent to the chat.
import { showToast } from "vant";
import "vant/es/toast/style";
import { api } from "../api";
import { BridgeError, type ChatMessage, type Entry, type WeComBridge } from "./index";

export interface StandInCall {
  api: string;
  args: unknown[];
}

declare global {
  interface Window {
    __wwStandIn?: { calls: StandInCall[] };
  }
}

const ENTRIES: readonly Entry[] = ["contact_profile", "single_chat_tools", "group_chat_tools", "normal"];

function record(api: string, args: unknown[]): void {
  window.__wwStandIn ??= { calls: [] };
  window.__wwStandIn.calls.push({ api, args });
}

// Read the query at call time: the context picker changes it with router.replace.
function param(name: string): string {
  return new URLSearchParams(location.search).get(name) ?? "";
}

function currentEntry(): Entry {
  const entry = param("entry") as Entry;
  return ENTRIES.includes(entry) ? entry : "normal";
}

/** True inside a frame of the sandbox page (docs/sandbox.md). */
function insideSandbox(): boolean {
  try {
    return window.parent !== window && window.parent.location.pathname.startsWith("/sandbox/");
  } catch {
    // a cross-origin parent is not the sandbox page
    return false;
  }
}

// Inside the sandbox page's fake chat window a send also lands in the sandbox's transcript, so the
// customer's fake phone shows it. The guide is whoever this page is logged in as. A failure here
// never fails the send: the transcript is only a mirror.
async function mirrorToSandbox(message: ChatMessage): Promise<void> {
  const externalUserId = param("contact");
  if (!insideSandbox() || !externalUserId) {
    return;
  }
  const text =
    message.msgtype === "text"
      ? message.text.content
      : message.msgtype === "news"
        ? `[链接] ${message.news.title}`
        : message.msgtype === "miniprogram"
          ? `[小程序] ${message.miniprogram.title}`
          : "[图片]";
  try {
    const me = await api.get<{ userId: string }>("/api/auth/me");
    await api.post("/sandbox/api/chat", { externalUserId, userId: me.userId, from: "guide", text, kind: "sent_by_sidebar" });
  } catch {
    // see above
  }
}

/**
 * A bridge that answers from the URL and only pretends to send.
 *
 * @returns the stand-in bridge.
 */
export function createStandInBridge(): WeComBridge {
  return {
    kind: "standIn",
    async getContext() {
      record("getContext", []);
      return { entry: currentEntry() };
    },
    async getCurExternalContact() {
      record("getCurExternalContact", []);
      const userId = param("contact");
      // The same words the real SDK's failure turns into, so views handle both alike.
      if (!userId || (currentEntry() !== "single_chat_tools" && currentEntry() !== "contact_profile")) {
        throw new BridgeError("请从客户或客户群的聊天工具栏打开");
      }
      return { userId };
    },
    async getCurExternalChat() {
      record("getCurExternalChat", []);
      const chatId = param("chat");
      if (!chatId || currentEntry() !== "group_chat_tools") {
        throw new BridgeError("请从客户或客户群的聊天工具栏打开");
      }
      return { chatId };
    },
    async sendChatMessage(message: ChatMessage) {
      record("sendChatMessage", [message]);
      await mirrorToSandbox(message);
      showToast({ message: "已发送到聊天（本地模拟）", className: "ww-stand-in-toast" });
    },
    // WeCom would switch the window to that chat and open the toolbar on it; here the page that
    // asked moves its own query to the chat (the context is read from the query at call time).
    async openCustomerChat(externalUserId: string) {
      record("openEnterpriseChat", [{ externalUserIds: [externalUserId] }]);
      // The sandbox page plays WeCom's window: it switches its chat (and phone) to that customer.
      if (insideSandbox()) {
        window.parent.postMessage({ scrm: "openChat", externalUserId }, location.origin);
      }
    },
  };
}
