// Pure rules of the group bot: which rule answers a text, how a reply reads, and the limits
// that keep the bot from flooding a group (docs/bot.md).

/** Sends per room in any one minute (welcomes and keyword replies together); more are dropped. */
export const ROOM_SENDS_PER_MINUTE = 6;
/** A rule's default quiet time per room after it answered. */
export const DEFAULT_COOLDOWN_SECONDS = 30;
/** Longest reply the bot sends (WeChat cuts long texts and they read as spam). */
export const MAX_REPLY_LENGTH = 500;

/** What matching needs of a rule. */
export interface MatchableRule {
  keyword: string;
  match: "exact" | "contains";
  scope: "all" | "groups" | "funnel";
}

/**
 * Normalise a text for matching: trimmed, full-width spaces and the @-separator (U+2005) as spaces,
 * inner runs of spaces collapsed, latin letters lower-cased.
 *
 * @param text what was said.
 * @returns the text to compare.
 */
export function normaliseText(text: string): string {
  return text.replace(/[\u2005\u3000\s]+/g, " ").trim().toLowerCase();
}

/**
 * Whether a rule's keyword matches a text.
 *
 * @param rule the keyword and how it matches.
 * @param text what was said (mentions of the bot already removed).
 * @returns true on a match; an empty keyword never matches.
 */
export function keywordMatches(rule: Pick<MatchableRule, "keyword" | "match">, text: string): boolean {
  const keyword = normaliseText(rule.keyword);
  if (keyword === "") {
    return false;
  }
  const said = normaliseText(text);
  return rule.match === "exact" ? said === keyword : said.includes(keyword);
}

const SCOPE_ORDER = { groups: 0, funnel: 1, all: 2 } as const;

/**
 * The one rule that answers a text: an exact match before a contained one, a rule of the group
 * before one of its funnel before one of every group, then the longer keyword. One reply per
 * message at most, so overlapping rules never answer together.
 *
 * @param rules the enabled keyword rules that apply to the room.
 * @param text what was said.
 * @returns the rule, or null.
 */
export function pickKeywordRule<R extends MatchableRule>(rules: R[], text: string): R | null {
  const matching = rules.filter((rule) => keywordMatches(rule, text));
  matching.sort(
    (a, b) =>
      (a.match === "exact" ? 0 : 1) - (b.match === "exact" ? 0 : 1) ||
      SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] ||
      normaliseText(b.keyword).length - normaliseText(a.keyword).length,
  );
  return matching[0] ?? null;
}

/**
 * The reply's text: {链接} becomes the link, {昵称} the names of those answered; a link the
 * template does not place goes on its own line at the end.
 *
 * @param template the rule's reply text.
 * @param values the link (or null) and the names.
 * @returns the text to send (mentions are added by the sender).
 */
export function renderReply(template: string, values: { link: string | null; names: string[] }): string {
  const names = values.names.join("、");
  let text = template.replaceAll("{昵称}", names);
  if (values.link) {
    text = text.includes("{链接}") ? text.replaceAll("{链接}", values.link) : `${text.trimEnd()}${text.trim() === "" ? "" : "\n"}${values.link}`;
  } else {
    text = text.replaceAll("{链接}", "");
  }
  return text.trim();
}
