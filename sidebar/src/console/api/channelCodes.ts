// Channel live codes (渠道活码): the list and editor and who answers now (statistics: channelCodeStats.ts).
import type { PresentedAnswering, PresentedChannelCode } from "@server/presenters/channelCode";
import type { PresentedDeletion } from "@server/presenters/deletion";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** The body of `POST /channel-codes` and `PUT /channel-codes/:id`. */
export type ChannelCodeBody = Pick<PresentedChannelCode, "name" | "channel" | "type" | "storeId" | "guides" | "backupGuides" | "dailyCap" | "skipVerify" | "welcome" | "tagIds">;

/** Channel codes, searched by name, channel or state, newest first. */
export const fetchChannelCodes = (params: PageQuery & { q?: string }) => api.paged<PresentedChannelCode>(consoleUrl(`/channel-codes${query(params)}`));

/** Create a code (the server asks WeCom for its QR). */
export const createChannelCode = (body: ChannelCodeBody) => api.post<PresentedChannelCode>(consoleUrl("/channel-codes"), body);

/** Replace a code's settings. */
export const updateChannelCode = (id: string, body: ChannelCodeBody) => api.put<PresentedChannelCode>(consoleUrl(`/channel-codes/${segment(id)}`), body);

/** Delete a code (its QR stops working). */
export const deleteChannelCode = (id: string) => api.delete<PresentedDeletion>(consoleUrl(`/channel-codes/${segment(id)}`));

/** Who the schedule has answering now, today's adds per guide and the next switch. */
export const fetchAnswering = (id: string) => api.get<PresentedAnswering>(consoleUrl(`/channel-codes/${segment(id)}/answering`));
