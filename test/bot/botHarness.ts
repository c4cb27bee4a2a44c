import { PuppetMock, mock } from "wechaty-puppet-mock";
import { startBotService, type BotService } from "../../server/bot/botService.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { testProcessor, testWeComClient } from "../support/server.ts";

export const ORIGIN = "http://scrm.test";

/** A bot on wechaty-puppet-mock, logged in, with an event processor on an injected clock. */
export interface MockBot {
  mocker: mock.Mocker;
  puppet: PuppetMock;
  service: BotService;
  me: mock.ContactMock;
  processor: EventProcessor;
  clock: { now: Date };
  /** Let the mock's async events land, then process every stored event. */
  settle(): Promise<void>;
  /** What the bot sent into a room through the puppet, oldest first (with its @mentions). */
  saidIn(room: mock.RoomMock): string[];
  stop(): Promise<void>;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * Start the bot service on a mock puppet and log its account in.
 *
 * @returns the running bot and helpers.
 */
export async function startMockBot(): Promise<MockBot> {
  const clock = { now: new Date("2026-12-04T10:00:00Z") };
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const sent: { conversationId: string; text: string }[] = [];
  // A spy, as wecom-reference §12 suggests: the send goes on to the mock unchanged.
  const send = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (conversationId: string, text: string) => {
    sent.push({ conversationId, text });
    return send(conversationId, text);
  };
  const service = startBotService({ puppet, puppetName: "wechaty-puppet-mock", origin: ORIGIN, now: () => clock.now });
  const processor = testProcessor({ context: { wecom: testWeComClient(), now: () => clock.now } });
  await service.started;
  const me = mocker.createContact({ name: "品牌小助手" });
  mocker.login(me);
  await tick();
  const settle = async () => {
    for (let round = 0; round < 3; round += 1) {
      await tick();
      await processor.drain();
    }
  };
  return {
    mocker,
    puppet,
    service,
    me,
    processor,
    clock,
    settle,
    saidIn: (room) => sent.filter((entry) => entry.conversationId === room.id).map((entry) => entry.text),
    stop: () => service.stop(),
  };
}

