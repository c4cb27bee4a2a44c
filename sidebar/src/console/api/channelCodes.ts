// Channel live codes (渠道活码), as far as the membership forms need them: a picker of codes by name.
import type { PresentedChannelCode } from "@server/presenters/channelCode";
import { api, query } from "@shared/api";
import { consoleUrl, type PageQuery } from "./base";

/** Channel codes, searched by name, channel or state, newest first. */
export const fetchChannelCodes = (params: PageQuery & { q?: string }) => api.paged<PresentedChannelCode>(consoleUrl(`/channel-codes${query(params)}`));
