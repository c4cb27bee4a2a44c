// 催办 from the 完成率 page: a guide, a store, a region or the whole company. Before a store,
// region or the company is reminded the server is asked whom it would reach now (open tasks,
// reminders of the day left), so the confirm names how many guides in how many stores get it;
// the rows on the page are the period's figures and cannot say who has tasks open today.
import type { PresentedCompletionRemindPreview } from "@server/presenters/completion";
import { previewRemind, remindTaskGuides, type CompletionTarget, type RemindSelector } from "../../api/completion";
import { confirmDanger, toastError, toastSuccess, toastWarning } from "../../feedback";

const PER_DAY = "每位导购每天最多催办 2 次";

function selectorOf(target: CompletionTarget): RemindSelector {
  if (target.level === "company") {
    return { scope: "company" };
  }
  return target.level === "guide" ? { userIds: [target.id] } : target.level === "region" ? { regionId: target.id } : { storeId: target.id };
}

/** Those in scope who will not get it, in one clause; empty when everyone will. */
function leftOut(preview: PresentedCompletionRemindPreview): string {
  const parts = [preview.noOpenTasks > 0 ? `${preview.noOpenTasks} 位没有未完成的任务` : "", preview.limitReached > 0 ? `${preview.limitReached} 位今天已催办满 2 次` : ""].filter(Boolean);
  return parts.length > 0 ? `共 ${preview.guides} 位导购，其中 ${parts.join("，")}，不发送。` : "";
}

/** The confirm's question, or null (with a warning shown) when nobody would be reminded. */
async function question(target: CompletionTarget, name: string, selector: Exclude<RemindSelector, { userIds: string[] }>): Promise<string | null> {
  const preview = await previewRemind(selector);
  const where = target.level === "company" ? "全公司" : name;
  const cut = preview.cut ? "（仅您管辖的门店）" : "";
  if (preview.toRemind === 0) {
    toastWarning(`${where}${cut}没有需要催办的导购${preview.guides > 0 ? `：${leftOut(preview)}` : "。"}`);
    return null;
  }
  const stores = target.level === "store" ? "" : ` ${preview.toRemindStores} 家门店`;
  return `给${where}${cut}${stores}的 ${preview.toRemind} 位导购发送催办提醒（企业微信应用消息）？${leftOut(preview)}${PER_DAY}。`;
}

/**
 * Ask, send and say what happened (the server's one line, then who was left out and why).
 *
 * @param target the view the button is on.
 * @param name the view's name (the guide's, store's or region's).
 * @param busy told while the server is asked (not while the person reads the confirm).
 */
export async function remindFrom(target: CompletionTarget, name: string, busy: (on: boolean) => void): Promise<void> {
  const selector = selectorOf(target);
  const asking = async <T>(call: () => Promise<T>): Promise<T> => {
    busy(true);
    try {
      return await call();
    } finally {
      busy(false);
    }
  };
  try {
    const asked = "userIds" in selector ? `给导购 ${name} 发送催办提醒（企业微信应用消息）？${PER_DAY}。` : await asking(() => question(target, name, selector));
    if (asked === null || !(await confirmDanger(asked, "催办", "发送提醒"))) {
      return;
    }
    const result = await asking(() => remindTaskGuides(selector));
    (result.reminded > 0 ? toastSuccess : toastWarning)(result.message);
    // Guides without open tasks are already summed in the message; name only the surprising ones.
    const named = result.skipped.filter((skip) => skip.code !== "no_open_tasks");
    if (named.length > 0 && result.reminded > 0) {
      toastWarning(named.slice(0, 5).map((skip) => `${skip.name}：${skip.reason}`).join("；") + (named.length > 5 ? ` 等 ${named.length} 位` : ""));
    }
  } catch (caught) {
    toastError(caught, "催办失败");
  }
}
