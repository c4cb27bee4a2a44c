import { WechatyBuilder, type WechatyOptions } from "wechaty";
import type { ContactInterface, MessageInterface, RoomInterface, WechatyInterface } from "wechaty/impls";
import { getLogger } from "../logging/logger.ts";
import { recordBotEvent } from "./botEventRecorder.ts";
import type { BotEvent } from "./botEventSchema.ts";
import { setActiveBot } from "./botRuntime.ts";
import { updateBotStatus } from "./botStatus.ts";

// Made per line: a logger taken at import would miss the root logger configured later (boot, tests).
const log = () => getLogger("lifecycle", { component: "bot" });

/** How to run the bot. */
export interface BotServiceOptions {
  /** A puppet instance (the sandbox's and tests' PuppetMock) or a puppet's npm name (WECHATY_PUPPET). */
  puppet: Exclude<NonNullable<WechatyOptions["puppet"]>, string> | string;
  /** Its name in stored ids and keys: the npm name (ids are only stable within one puppet). */
  puppetName: string;
  /** WECHATY_PUPPET_SERVICE_TOKEN, for hosted puppets. */
  token?: string | undefined;
  /** The site's origin for links in replies (PUBLIC_URL, else where the server listens). */
  origin: string;
  now: () => Date;
  /** Told after a new event is stored (the processor's kick). */
  onStored?: () => void;
}

/** A running bot. */
export interface BotService {
  bot: WechatyInterface;
  /** Resolves once the bot has started (or failed to: the status says so). */
  started: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start the group bot: what it sees in rooms (joins, others' messages) becomes stored events
 * under their own dedupe keys and room lanes, handled once by the event processor; its login
 * state is kept for the console. Every listener catches its own failures: an unhandled `error`
 * event or rejection would take the whole server down (wecom-reference §12).
 *
 * @param options the puppet, its name, the link origin, the clock and the processor's kick.
 * @returns the bot and how to stop it.
 */
export function startBotService(options: BotServiceOptions): BotService {
  const { puppetName, now } = options;
  const bot = WechatyBuilder.build({
    name: "scrm-bot",
    puppet: options.puppet,
    ...(options.token ? { puppetOptions: { token: options.token } } : {}),
  } as WechatyOptions);
  setActiveBot({ bot, puppet: puppetName, origin: options.origin });
  let stopping = false;
  const status = (change: Parameters<typeof updateBotStatus>[0]) => updateBotStatus(change, now());
  const guarded =
    <A extends unknown[]>(what: string, listener: (...args: A) => Promise<void>) =>
    (...args: A): void => {
      listener(...args).catch((error: unknown) => {
        log().error({ err: error, listener: what }, "bot listener failed");
        void status({ lastError: `${what}: ${error instanceof Error ? error.message : String(error)}` }).catch(() => undefined);
      });
    };
  const record = async (event: BotEvent) => {
    const { stored } = await recordBotEvent(event, now());
    if (stored) {
      options.onStored?.();
    }
  };

  bot.on("error", guarded("error", async (error: Error) => {
    log().error({ err: error }, "bot error");
    await status({ lastError: error.message.slice(0, 500) });
  }));
  bot.on("scan", guarded("scan", async (qrcode: string) => {
    log().info("bot waiting for its account to scan the login QR (控制台 → 群机器人)");
    await status({ state: "waiting_scan", qrcode });
  }));
  bot.on("login", guarded("login", async (user: ContactInterface) => {
    log().info({ puppet: puppetName }, "bot logged in");
    await status({ state: "logged_in", userName: user.name(), logoutReason: null, qrcode: null });
  }));
  bot.on("logout", guarded("logout", async (_user: ContactInterface, reason?: string) => {
    if (stopping) {
      // Our own stop logs the account out; that is no outage.
      log().info({ puppet: puppetName }, "bot logged out (stopping)");
      return;
    }
    // The line an operator greps for: nothing is answered in groups until someone logs in again.
    log().warn({ puppet: puppetName, reason: reason ?? null }, "bot LOGGED OUT: groups get no welcomes or replies until the account logs in again (控制台 → 群机器人)");
    await status({ state: "logged_out", logoutReason: reason ?? "未说明原因", qrcode: null });
  }));
  bot.on("room-join", guarded("room-join", async (room: RoomInterface, invitees: ContactInterface[], inviter: ContactInterface, date?: Date) => {
    const self = bot.isLoggedIn ? bot.currentUser.id : null;
    const joined = invitees.filter((invitee) => invitee.id !== self);
    if (joined.length === 0) {
      return;
    }
    await record({
      type: "bot_room_join",
      payload: {
        puppet: puppetName,
        roomId: room.id,
        topic: await room.topic(),
        invitees: joined.map((invitee) => ({ id: invitee.id, name: invitee.name() })),
        inviterId: inviter?.id ?? null,
        date: Math.floor((date ?? now()).getTime() / 1000),
      },
    });
  }));
  bot.on("message", guarded("message", async (message: MessageInterface) => {
    const room = message.room();
    if (message.self() || !room || message.type() !== bot.Message.Type.Text) {
      return;
    }
    const talker = message.talker();
    await record({
      type: "bot_room_message",
      payload: {
        puppet: puppetName,
        messageId: message.id,
        roomId: room.id,
        topic: await room.topic(),
        talker: { id: talker.id, name: talker.name(), roomAlias: (await room.alias(talker)) ?? "" },
        text: (await message.mentionText()).slice(0, 4000),
        date: Math.floor(message.date().getTime() / 1000),
      },
    });
  }));

  const started = (async () => {
    await status({ state: "starting", puppet: puppetName, lastError: null });
    await bot.start();
  })().catch(async (error: unknown) => {
    log().error({ err: error, puppet: puppetName }, "bot failed to start");
    await status({ state: "stopped", lastError: `启动失败：${error instanceof Error ? error.message : String(error)}` }).catch(() => undefined);
  });

  return {
    bot,
    started,
    async stop() {
      await started;
      stopping = true;
      setActiveBot(null);
      await bot.stop().catch((error: unknown) => log().warn({ err: error }, "bot stop failed"));
      await status({ state: "stopped", qrcode: null }).catch(() => undefined);
    },
  };
}
