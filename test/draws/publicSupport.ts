// Helpers for the public draw page tests: a running draw, a browser-like cookie jar, and reading
// the participant cookie's claims (signed, not encrypted: the test may look inside).
import { createDraw, setDrawStatus, type DrawInput } from "../../server/commands/drawEditor.ts";
import { forgetDraw } from "../../server/commands/drawCache.ts";
import type { StoredDraw } from "../../server/models/LuckyDraw.ts";

let sequence = 0;

/**
 * An active draw with a fresh slug (the draw cache keys by slug, and the database is emptied
 * between tests).
 *
 * @param overrides fields to change.
 * @returns the stored draw.
 */
export async function aRunningDraw(overrides: Partial<DrawInput> = {}): Promise<StoredDraw> {
  sequence += 1;
  const now = Date.now();
  const input: DrawInput = {
    slug: `pub-${process.pid}-${sequence}`,
    name: "双十二幸运抽奖",
    startsAt: new Date(now - 3600_000),
    endsAt: new Date(now + 7 * 86_400_000),
    rules: "每人每天 3 次",
    style: "wheel",
    eligibility: { levels: [], tagIds: [], segmentId: null, guideUserIds: [], funnelId: null },
    limits: { perDay: 3, total: null, maxWins: null },
    prizes: [
      { name: "保温杯", kind: "physical", weight: 1, stock: 100 },
      { name: "谢谢参与", kind: "none", weight: 1, stock: 0 },
    ],
    cashBudgetFen: 0,
    tagsOnJoin: [],
    tagsOnWin: [],
    ...overrides,
  };
  const draw = await createDraw(input, { actorId: "tester", now: new Date(now) });
  const active = await setDrawStatus(String(draw._id), "active", { actorId: "tester", now: new Date(now) });
  forgetDraw(active.slug);
  return active;
}

/** A browser's cookies for one site: what Set-Cookie set, sent back as Cookie. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /**
   * @param response an answer.
   * @returns the Set-Cookie lines it carried.
   */
  take(response: Response): string[] {
    const lines = response.headers.getSetCookie();
    for (const line of lines) {
      const [pair = ""] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
    return lines;
  }

  /** @returns the Cookie header. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /**
   * @param name a cookie.
   * @returns its value.
   */
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /**
   * @param name a cookie.
   * @param value the value to send from now on.
   */
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/**
 * The claims inside a participant cookie's value.
 *
 * @param value the cookie's value.
 * @returns the decoded payload.
 */
export function participantClaims(value: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(value.split(".")[0] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}
