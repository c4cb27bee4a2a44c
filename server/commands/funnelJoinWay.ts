// The funnel's 「加入群聊」 join way on WeCom (wecom-reference 4.7): one body for add and update,
// so what WeCom holds is always the whole configuration, never a partial one.
import type { WeComClient } from "../wecom/client.ts";

const BASE = "/cgi-bin/externalcontact/groupchat";

/** What a join way is made of. */
export interface JoinWayConfig {
  name: string;
  state: string;
  autoCreateRoom: boolean;
  roomBaseName: string;
  roomBaseId: number;
  chatIds: string[];
}

/**
 * @param config the funnel's join way.
 * @returns the body add_join_way and update_join_way take (scene 2 = QR; remark is cut at 30 by WeCom).
 */
export function joinWayBody(config: JoinWayConfig): Record<string, unknown> {
  return {
    scene: 2,
    remark: config.name.slice(0, 30),
    auto_create_room: config.autoCreateRoom ? 1 : 0,
    ...(config.autoCreateRoom ? { room_base_name: config.roomBaseName, room_base_id: config.roomBaseId } : {}),
    chat_id_list: config.chatIds,
    state: config.state,
  };
}

/**
 * @param wecom the client.
 * @param config the join way.
 * @returns the new config id.
 */
export async function addJoinWay(wecom: WeComClient, config: JoinWayConfig): Promise<string> {
  const answer = await wecom.post<{ config_id: string }>(`${BASE}/add_join_way`, joinWayBody(config));
  return answer.config_id;
}

/**
 * add_join_way answers with the config id only; the QR comes from here.
 *
 * @param wecom the client.
 * @param configId the join way.
 * @returns its QR URL.
 */
export async function joinWayQrCode(wecom: WeComClient, configId: string): Promise<string> {
  const answer = await wecom.post<{ join_way?: { qr_code?: string } }>(`${BASE}/get_join_way`, { config_id: configId });
  return answer.join_way?.qr_code ?? "";
}

/**
 * @param wecom the client.
 * @param configId the join way.
 * @param config the whole new configuration.
 * @returns nothing.
 */
export async function updateJoinWay(wecom: WeComClient, configId: string, config: JoinWayConfig): Promise<void> {
  await wecom.post(`${BASE}/update_join_way`, { config_id: configId, ...joinWayBody(config) });
}

/**
 * @param wecom the client.
 * @param configId the join way.
 * @returns nothing.
 */
export async function deleteJoinWay(wecom: WeComClient, configId: string): Promise<void> {
  await wecom.post(`${BASE}/del_join_way`, { config_id: configId });
}
