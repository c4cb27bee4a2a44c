import type { WechatyInterface } from "wechaty/impls";

/** The bot this process runs, for the event handlers that answer through it. */
export interface ActiveBot {
  bot: WechatyInterface;
  puppet: string;
  /** The site's origin for links (PUBLIC_URL, else where the server listens). */
  origin: string;
}

let active: ActiveBot | null = null;

/**
 * Name the bot that handlers answer through (null when it stops).
 *
 * @param bot the running bot, or null.
 */
export function setActiveBot(bot: ActiveBot | null): void {
  active = bot;
}

/**
 * @returns the bot this process runs, or null.
 */
export function activeBot(): ActiveBot | null {
  return active;
}
