// App messages (wecom-reference §10.1) to guides through the self-built app: 催办 and the
// morning task digest. One sender so the recipient chunking, the byte limits and WeCom's answer about
// unknown recipients are handled in one place.
import { NotConfiguredError, WeComApiError } from "../errors.ts";
import type { WeComClient, WeComPriority } from "../wecom/client.ts";

/** `touser` takes at most 1000 userids per call. */
const RECIPIENTS_PER_CALL = 1000;
/** Every recipient unknown to the app (outside its visible range, left the corp). */
const ALL_RECIPIENTS_INVALID = 81013;

/** A textcard: title ≤128 bytes, description ≤512 bytes, button text ≤4 characters. */
export interface GuideCard {
  title: string;
  description: string;
  url: string;
  btntxt?: string;
}

/** What WeCom did with a send. */
export interface GuideSendOutcome {
  /** Guides WeCom accepted the message for. */
  sent: string[];
  /** Guides WeCom did not know (invaliduser, or every recipient of a call refused with 81013). */
  invalid: string[];
}

/**
 * Cut a string to a number of UTF-8 bytes without splitting a character, marking the cut with "…".
 *
 * @param text the text.
 * @param max bytes allowed.
 * @returns the text or its cut.
 */
export function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) {
    return text;
  }
  let cut = "";
  for (const char of text) {
    if (Buffer.byteLength(`${cut}${char}…`) > max) {
      break;
    }
    cut += char;
  }
  return `${cut}…`;
}

/**
 * @param agentId WECOM_AGENT_ID.
 * @throws 503 with a Chinese message when no self-built app is configured.
 */
export function assertAgentConfigured(agentId: string | undefined): asserts agentId is string {
  if (!agentId) {
    throw NotConfiguredError("未配置企业微信自建应用（WECOM_AGENT_ID），无法给导购发送应用消息");
  }
}

/**
 * Send one textcard to guides, 1000 per call. WeCom drops messages past 30 a minute or 1000 an
 * hour to one member without saying so: callers keep their own per-guide pace (see the 催办 gap).
 *
 * @param props the client, the app's agentid, the guides and the card; `priority` "bulk" for a
 *   job's sends (the default is a person's click); `duplicateCheckSeconds` asks WeCom to deliver
 *   an identical request once within that window, so a send repeated after a crash is not shown twice.
 * @returns who WeCom accepted and who it did not know.
 */
export async function sendGuideCard(props: {
  wecom: WeComClient;
  agentId: string | undefined;
  userIds: string[];
  card: GuideCard;
  priority?: WeComPriority;
  duplicateCheckSeconds?: number;
}): Promise<GuideSendOutcome> {
  const { wecom, agentId, card } = props;
  assertAgentConfigured(agentId);
  const userIds = [...new Set(props.userIds)];
  const textcard = {
    title: cutToBytes(card.title, 128),
    description: cutToBytes(card.description, 512),
    url: card.url,
    btntxt: [...(card.btntxt ?? "详情")].slice(0, 4).join(""),
  };
  const duplicateCheck = props.duplicateCheckSeconds ? { enable_duplicate_check: 1, duplicate_check_interval: props.duplicateCheckSeconds } : {};
  const outcome: GuideSendOutcome = { sent: [], invalid: [] };
  for (let start = 0; start < userIds.length; start += RECIPIENTS_PER_CALL) {
    const chunk = userIds.slice(start, start + RECIPIENTS_PER_CALL);
    try {
      const answer = await wecom.post<{ invaliduser?: string }>(
        "/cgi-bin/message/send",
        { touser: chunk.join("|"), msgtype: "textcard", agentid: Number(agentId), textcard, ...duplicateCheck },
        { secret: "agent", priority: props.priority ?? "interactive" },
      );
      // WeCom lower-cases the userids it lists as invalid.
      const invalid = new Set((answer.invaliduser ?? "").split("|").filter((userid) => userid !== ""));
      for (const userId of chunk) {
        (invalid.has(userId.toLowerCase()) ? outcome.invalid : outcome.sent).push(userId);
      }
    } catch (error) {
      if (error instanceof WeComApiError && error.errcode === ALL_RECIPIENTS_INVALID) {
        outcome.invalid.push(...chunk);
        continue;
      }
      throw error;
    }
  }
  return outcome;
}
