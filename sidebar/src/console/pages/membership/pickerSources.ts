// What the rule forms pick from: customer groups by name (chat_id kept) and channel codes by name
// (state kept), so operators never type a chat_id or a state.
import { fetchChannelCodes } from "../../api/channelCodes";
import { fetchGroups } from "../../api/customers";
import type { PickerOption } from "../../components/pickerOption";

/**
 * @param words what the operator typed ("" for the first page).
 * @returns matching groups: name, owner and size.
 */
export async function searchGroups(words: string): Promise<PickerOption[]> {
  const { data } = await fetchGroups({ q: words || undefined, page: 1, pageSize: 50 });
  return data.map((group) => ({ value: group.chatId, label: group.name || "未命名群", detail: `群主 ${group.ownerName} · ${group.memberCount} 人` }));
}

/**
 * @param words what the operator typed.
 * @returns matching channel codes: name and channel.
 */
export async function searchChannelCodes(words: string): Promise<PickerOption[]> {
  const { data } = await fetchChannelCodes({ q: words || undefined, page: 1, pageSize: 50 });
  return data.map((code) => ({ value: code.state, label: code.name, detail: code.channel }));
}
