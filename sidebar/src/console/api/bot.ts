// 群机器人: the bot's status, its keyword and welcome rules, and the draws a rule can link to.
import type { BotDrawOption, BotRuleView, BotStatusAnswer } from "@server/presenters/bot";
import { api } from "@shared/api";
import { consoleUrl, segment } from "./base";

/** The body of `POST /bot/rules` and `PUT /bot/rules/:id`. */
export type BotRuleBody = Omit<BotRuleView, "id" | "updatedAt">;

export const fetchBotStatus = () => api.get<BotStatusAnswer>(consoleUrl("/bot/status"));
export const fetchBotRules = () => api.get<BotRuleView[]>(consoleUrl("/bot/rules"));
export const fetchBotDrawOptions = () => api.get<BotDrawOption[]>(consoleUrl("/bot/draw-options"));
export const createBotRule = (body: BotRuleBody) => api.post<BotRuleView>(consoleUrl("/bot/rules"), body);
export const updateBotRule = (id: string, body: BotRuleBody) => api.put<BotRuleView>(consoleUrl(`/bot/rules/${segment(id)}`), body);
export const deleteBotRule = (id: string) => api.delete<{ deleted: boolean }>(consoleUrl(`/bot/rules/${segment(id)}`));
