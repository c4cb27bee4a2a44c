// What the callback pipeline keeps of an employee: only what the directory uses.

/**
 * Employees' personal fields that change_contact carries and nothing here uses (the directory
 * keeps name, departments, position, alias and status; the avatar is a public picture). They
 * are cut from the decrypted message before it is parsed or stored, so neither the raw text nor
 * the payload keeps them.
 */
export const UNUSED_PERSONAL_FIELDS = ["Mobile", "Telephone", "Email", "BizMail", "Address", "Gender", "ExtAttr"] as const;
const cdataOrPersonalTag = new RegExp(`<!\\[CDATA\\[|<(${UNUSED_PERSONAL_FIELDS.join("|")})\\s*(/?)>`, "g");

/**
 * Remove the {@link UNUSED_PERSONAL_FIELDS} elements from a message, leaving the rest byte for
 * byte. CDATA is skipped whole, so text that looks like one of those tags (a chat message, a
 * value holding a closing tag) is never cut.
 *
 * @param xml the decrypted message.
 * @returns the message without those elements.
 */
export function withoutUnusedPersonalData(xml: string): string {
  let kept = "";
  let from = 0;
  const scanner = new RegExp(cdataOrPersonalTag);
  for (let match = scanner.exec(xml); match; match = scanner.exec(xml)) {
    const after = match.index + match[0].length;
    if (!match[1]) {
      const cdataEnd = xml.indexOf("]]>", after);
      if (cdataEnd < 0) {
        break;
      }
      scanner.lastIndex = cdataEnd + 3;
      continue;
    }
    kept += xml.slice(from, match.index);
    const end = match[2] === "/" ? after : elementEnd(xml, after, `</${match[1]}>`);
    if (end < 0) {
      // Unclosed: everything after it may be the personal value, so none of it is kept.
      return kept;
    }
    from = end;
    scanner.lastIndex = end;
  }
  return kept + xml.slice(from);
}

function elementEnd(xml: string, from: number, closing: string): number {
  let at = from;
  for (;;) {
    const close = xml.indexOf(closing, at);
    const cdata = xml.indexOf("<![CDATA[", at);
    if (close < 0 || cdata < 0 || close < cdata) {
      return close < 0 ? -1 : close + closing.length;
    }
    const cdataEnd = xml.indexOf("]]>", cdata + 9);
    if (cdataEnd < 0) {
      return -1;
    }
    at = cdataEnd + 3;
  }
}
