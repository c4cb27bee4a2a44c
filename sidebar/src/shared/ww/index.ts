// The sidebar's only door to the WeCom JS-SDK. Views talk to this interface, never to
// @wecom/jssdk, so the same pages run inside WeCom and, in development, in an ordinary browser
// against a local stand-in. Both implementations are loaded lazily: the SDK is large and the
// stand-in is useless in production.

/** Where the page was opened from (wecom-reference §6.6); we act on the chat toolbars and the profile. */
export type Entry =
  | "contact_profile"
  | "single_chat_tools"
  | "group_chat_tools"
  | "chat_attachment"
  | "single_kf_tools"
  | "chain_single_chat_tools"
  | "chain_group_chat_tools"
  | "internal_group_chat_board"
  | "normal";

/** A message for `sendChatMessage`; keys follow the JS-SDK exactly (note `mediaid`, lower case). */
export type ChatMessage =
  | { msgtype: "text"; text: { content: string } }
  | { msgtype: "image"; image: { mediaid: string } }
  | { msgtype: "news"; news: { link: string; title: string; desc: string; imgUrl: string } }
  | { msgtype: "miniprogram"; miniprogram: { appid: string; title: string; imgUrl: string; page: string } };

/** What the sidebar needs from WeCom. */
export interface WeComBridge {
  /** "wecom" inside the WeCom client, "standIn" for the local development stand-in. */
  readonly kind: "wecom" | "standIn";
  getContext(): Promise<{ entry: Entry }>;
  getCurExternalContact(): Promise<{ userId: string }>;
  getCurExternalChat(): Promise<{ chatId: string }>;
  sendChatMessage(message: ChatMessage): Promise<void>;
  /** Open the single chat with a customer (wecom-reference §6.6); the sidebar beside it then opens on that chat. */
  openCustomerChat(externalUserId: string): Promise<void>;
}

/** What the server tells us about the corp and the development aids (`GET /api/auth/options`). */
export interface BridgeOptions {
  corpId: string;
  agentId: string | number;
  standIn: boolean;
}

/** A failure already worded for the guide. */
export class BridgeError extends Error {}

/** True in WeCom's built-in browser (desktop and mobile both put `wxwork/<version>` in the UA). */
export function isInsideWeCom(): boolean {
  return /wxwork/i.test(navigator.userAgent);
}

/**
 * Pick the implementation for this browser.
 *
 * @param options the server's options.
 * @returns the bridge, or null when the page is outside WeCom and the stand-in is not allowed.
 */
export async function createBridge(options: BridgeOptions): Promise<WeComBridge | null> {
  if (isInsideWeCom()) {
    const { createWeComBridge } = await import("./wecom");
    return createWeComBridge(options);
  }
  if (options.standIn) {
    const { createStandInBridge } = await import("./standIn");
    return createStandInBridge();
  }
  return null;
}
