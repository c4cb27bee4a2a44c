// The sandbox's group bot (docs/bot.md, docs/sandbox.md): the product's own bot service on
// wechaty-puppet-mock, whose rooms mirror the sandbox's customer groups, so that a customer on the
// sandbox page can say "抽奖" in a group and see the bot's answer.
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { startBotService, type BotService } from "../../bot/botService.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { getLogger } from "../../logging/logger.ts";
import { SandboxGroup } from "../models/index.ts";
import { ensureSandboxBotRules } from "./sandboxBotRules.ts";

// Made per line: a logger taken at import would miss the root logger configured later (boot, tests).
const log = () => getLogger("lifecycle", { component: "sandbox-bot" });
/** How often the mock's rooms catch up with the sandbox's groups (new groups, new members). */
const MIRROR_EVERY_MS = 2000;
const BOT_ID = "sandbox-bot";

/** The running sandbox bot. */
export interface SandboxBot {
  /** Say something in a group as one of its customers; the reply comes through the event pipeline. */
  say(input: { chatId: string; externalUserId: string; text: string }): Promise<void>;
  /** Bring the mock's rooms in line with the sandbox's groups now. */
  mirror(): Promise<void>;
  stop(): Promise<void>;
}

let running: SandboxBot | null = null;

/**
 * @returns the sandbox bot of this process, or null when none runs.
 */
export function sandboxBot(): SandboxBot | null {
  return running;
}

// Mock room ids must contain "@" (the mock routes sends by it); the chat id keeps them apart.
const roomIdOf = (chatId: string) => `${chatId}@chatroom`;

/**
 * Start the bot on the mock puppet, log its account (品牌小助手) in and mirror the groups.
 *
 * @param options the link origin, the clock and the event processor's kick.
 * @returns the sandbox bot.
 */
export async function startSandboxBot(options: { origin: string; now: () => Date; onStored?: () => void }): Promise<SandboxBot> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const service: BotService = startBotService({ puppet, puppetName: "wechaty-puppet-mock", origin: options.origin, now: options.now, onStored: options.onStored });
  await service.started;
  const me = mocker.createContact({ id: BOT_ID, name: "品牌小助手" });
  mocker.login(me);

  const contact = (id: string, name: string) => (mocker.cacheContactPayload.has(id) ? mocker.ContactMock.load(id) : mocker.createContact({ id, name }));
  // A member already in a room when it is first mirrored is there silently; later members join
  // through room-join, so the bot welcomes them as it would a real joiner.
  const mirror = async () => {
    await ensureSandboxBotRules();
    const groups = await SandboxGroup.find({ dismissed: false }, { chat_id: 1, name: 1, member_list: 1 }).limit(500).lean();
    for (const group of groups) {
      const roomId = roomIdOf(group.chat_id);
      const customers = group.member_list.filter((member) => member.type === 2);
      if (!mocker.cacheRoomPayload.has(roomId)) {
        const ids = customers.map((member) => contact(member.userid, member.name || member.userid).id);
        mocker.createRoom({ id: roomId, topic: group.name, memberIdList: [BOT_ID, ...ids] });
        continue;
      }
      const room = mocker.RoomMock.load(roomId);
      const newcomers = customers.filter((member) => !room.payload.memberIdList.includes(member.userid));
      if (newcomers.length > 0) {
        room.add(...newcomers.map((member) => contact(member.userid, member.name || member.userid))).by(me);
      }
    }
  };
  let mirroring: Promise<void> = Promise.resolve();
  const mirrorOnce = () => {
    mirroring = mirroring.then(mirror).catch((error: unknown) => log().warn({ err: error }, "sandbox bot: mirroring the groups failed"));
    return mirroring;
  };
  await mirrorOnce();
  const timer = setInterval(() => void mirrorOnce(), MIRROR_EVERY_MS);
  timer.unref();

  running = {
    async say({ chatId, externalUserId, text }) {
      await mirrorOnce();
      const roomId = roomIdOf(chatId);
      if (!mocker.cacheRoomPayload.has(roomId)) {
        throw NotFoundError("chatId: 客户群");
      }
      const room = mocker.RoomMock.load(roomId);
      if (!room.payload.memberIdList.includes(externalUserId)) {
        throw ValidationError("externalUserId: 该客户不在群里");
      }
      mocker.ContactMock.load(externalUserId).say(text).to(room);
    },
    mirror: mirrorOnce,
    async stop() {
      clearInterval(timer);
      running = null;
      await mirroring;
      await service.stop();
    },
  };
  log().info("sandbox bot 品牌小助手 is in the sandbox's customer groups (wechaty-puppet-mock)");
  return running;
}
