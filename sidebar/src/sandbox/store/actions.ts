// What a person does on the sandbox page: scan a channel code, join a group, buy, and write in
// the chat, as the customer on the phone or the guide at the WeCom window.
import { sandboxApi, yuan, type BuyOutcome } from "../api";
import { messageOf, type Panel, type Say } from "./feedback";
import type { Selection } from "./selection";

/** Which buttons are waiting for the server. */
export interface Busy {
  scan: boolean;
  join: boolean;
  buy: boolean;
  customerSend: boolean;
  guideSend: boolean;
  demo: boolean;
  seed: boolean;
}

interface Deps {
  selection: Selection;
  busy: Busy;
  say: Say;
  clear: () => void;
  fetchTranscript: (force?: boolean) => Promise<void>;
}

/**
 * @param deps the selection they act for, the busy flags, feedback and the transcript.
 * @returns the actions; each answers whether it worked.
 */
export function createActions({ selection, busy, say, clear, fetchTranscript }: Deps) {
  const { customerId, guideId, groups, scanned, customer, chatMode } = selection;

  async function scan(configId: string, name: string): Promise<boolean> {
    busy.scan = true;
    clear();
    try {
      const added = await sandboxApi.scan(configId, name.trim() || undefined);
      const customerName = name.trim() || "新客户";
      scanned.value = [{ external_userid: added.external_userid, name: customerName, guides: [added.userid] }, ...scanned.value];
      await selection.loadState({ silent: true });
      customerId.value = added.external_userid;
      chatMode.value = "single";
      if (added.userid && added.userid !== guideId.value) {
        await selection.switchGuide(added.userid, { keepCustomer: true, quiet: true });
      }
      say("phone", "result", `扫码成功：「${customer.value?.name || customerName}」已添加导购「${selection.guideName(added.userid)}」为好友`);
      void fetchTranscript(true);
      return true;
    } catch (caught) {
      say("phone", "error", `扫码失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy.scan = false;
    }
  }

  async function joinGroup(chatId: string): Promise<boolean> {
    if (!customerId.value) {
      say("phone", "error", "请先扫码添加导购");
      return false;
    }
    busy.join = true;
    clear();
    const name = groups.value.find((item) => item.chat_id === chatId)?.name || chatId;
    try {
      const joined = await sandboxApi.joinGroup(customerId.value, chatId);
      say("phone", "result", `已加入群聊「${name}」，现在共 ${joined.memberCount} 人`);
      await selection.loadState({ silent: true });
      return true;
    } catch (caught) {
      say("phone", "error", `加入群聊失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy.join = false;
    }
  }

  async function buy(amountText: string): Promise<boolean> {
    const trimmed = amountText.trim();
    if (!customerId.value) {
      say("phone", "error", "请先扫码添加导购");
      return false;
    }
    if (!/^\d+(\.\d{1,2})?$/.test(trimmed) || Number(trimmed) <= 0) {
      say("phone", "error", "请输入正确的金额（元，最多两位小数）");
      return false;
    }
    const amountFen = Math.round(Number(trimmed) * 100);
    busy.buy = true;
    clear();
    try {
      // The server puts the order in the guide's store.
      const outcome = (await sandboxApi.buy({ externalUserId: customerId.value, amountFen, guideUserId: guideId.value || undefined })) as BuyOutcome | null;
      if (outcome && outcome.result === "rejected") {
        say("phone", "error", `下单未成功：${outcome.reason}`);
        return false;
      }
      say("phone", "result", `下单成功：${yuan(amountFen)}${purchaseDetail(outcome)}`);
      return true;
    } catch (caught) {
      say("phone", "error", `下单失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy.buy = false;
    }
  }

  async function send(from: "customer" | "guide", text: string): Promise<boolean> {
    const panel: Panel = from === "customer" ? "phone" : "guide";
    const flag = from === "customer" ? "customerSend" : "guideSend";
    if (!customerId.value || !guideId.value) {
      say(panel, "error", from === "customer" ? "请先扫码添加导购" : "请先选择一位客户");
      return false;
    }
    if (!text.trim()) {
      return false;
    }
    busy[flag] = true;
    try {
      await sandboxApi.say(customerId.value, guideId.value, from, text.trim());
      await fetchTranscript(true);
      return true;
    } catch (caught) {
      say(panel, "error", `发送失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy[flag] = false;
    }
  }

  return { scan, joinGroup, buy, send };
}

/** "，会员号 M…，当前积分 …" for a recorded purchase; "（重复订单…）" for one seen before. */
function purchaseDetail(outcome: BuyOutcome | null): string {
  const memberNo = outcome && "memberNo" in outcome ? outcome.memberNo || outcome.member?.memberNo : undefined;
  const points = outcome && "member" in outcome && typeof outcome.member?.points === "number" ? `，当前积分 ${outcome.member.points}` : "";
  const member = memberNo ? `，会员号 ${memberNo}` : "";
  const duplicate = outcome?.result === "duplicate" ? "（重复订单，未重复计入）" : "";
  return `${member}${points}${duplicate}`;
}
