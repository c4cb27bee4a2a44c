import assert from "node:assert/strict";
import crypto from "node:crypto";
import { recordLogs } from "../support/hooks.ts";
import {
  configureDrawTokens,
  drawPageUrl,
  DRAW_TOKEN_TTL_MS,
  issueDrawToken,
  issueParticipant,
  personalDrawLink,
  verifyDrawToken,
  verifyParticipant,
} from "../../server/security/drawTokens.ts";

const NOW = new Date("2026-12-04T08:00:00Z");
const KEY = "draw-token-test-session-key-0123456789abcdef";

function tokenOf(link: string): string {
  return new URL(link).searchParams.get("t") ?? "";
}

describe("draw tokens (server/security/drawTokens.ts)", () => {
  beforeEach(() => configureDrawTokens({ sessionKeys: [KEY], publicUrl: "https://scrm.example.com/" }));

  it("should make a personal link on PUBLIC_URL whose token names the draw and the customer until it expires", () => {
    const link = personalDrawLink({ slug: "xmas-2026", externalUserId: "wmCustomerA", now: NOW });
    assert.match(link, /^https:\/\/scrm\.example\.com\/draw\/xmas-2026\?t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = verifyDrawToken(tokenOf(link), "xmas-2026", new Date(NOW.getTime() + DRAW_TOKEN_TTL_MS - 1000));
    assert.ok(typeof claims !== "string", `refused: ${String(claims)}`);
    assert.equal(claims.externalUserId, "wmCustomerA");
    assert.equal(claims.slug, "xmas-2026");
    assert.equal(claims.expiresAt.getTime(), NOW.getTime() + DRAW_TOKEN_TTL_MS);
    assert.equal(drawPageUrl("xmas-2026"), "https://scrm.example.com/draw/xmas-2026");
  });

  it("should give every link its own nonce", () => {
    const first = tokenOf(personalDrawLink({ slug: "xmas-2026", externalUserId: "wmA", now: NOW }));
    const second = tokenOf(personalDrawLink({ slug: "xmas-2026", externalUserId: "wmA", now: NOW }));
    assert.notEqual(first, second);
  });

  it("should refuse a token after 7 days, one for another draw, a tampered one and a forged one, and log the refusal without the token", () => {
    const logs = recordLogs();
    try {
      const token = issueDrawToken({ slug: "xmas-2026", externalUserId: "wmA", now: NOW });
      assert.equal(verifyDrawToken(token, "xmas-2026", new Date(NOW.getTime() + DRAW_TOKEN_TTL_MS)), "expired");
      assert.equal(verifyDrawToken(token, "spring-2027", NOW), "wrong_draw");
      // Another customer's id in the payload, the signature left as it was.
      const [body = "", signature = ""] = token.split(".");
      const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
      const tampered = `${Buffer.from(JSON.stringify({ ...payload, e: "wmB" })).toString("base64url")}.${signature}`;
      assert.equal(verifyDrawToken(tampered, "xmas-2026", NOW), "bad_signature");
      // Signed with a key that is not this server's.
      const forgedSignature = crypto.createHmac("sha256", "someone-else").update(body).digest("base64url");
      assert.equal(verifyDrawToken(`${body}.${forgedSignature}`, "xmas-2026", NOW), "bad_signature");
      assert.equal(verifyDrawToken("not a token", "xmas-2026", NOW), "malformed");
      const refusals = logs.lines.filter((line) => line.includes("draw credential refused"));
      assert.equal(refusals.length, 5);
      assert.ok(refusals.every((line) => !line.includes(signature) && !line.includes(body)), "the token is not in the log");
      assert.deepEqual(refusals.map((line) => (JSON.parse(line) as { reason: string }).reason), ["expired", "wrong_draw", "bad_signature", "bad_signature", "malformed"]);
    } finally {
      logs.stop();
    }
  });

  it("should refuse tokens signed under an earlier session secret once it is no longer configured, and accept them while it is", () => {
    const token = issueDrawToken({ slug: "xmas-2026", externalUserId: "wmA", now: NOW });
    configureDrawTokens({ sessionKeys: ["a-new-session-secret-0123456789abcdefgh", KEY] });
    assert.ok(typeof verifyDrawToken(token, "xmas-2026", NOW) !== "string");
    configureDrawTokens({ sessionKeys: ["a-new-session-secret-0123456789abcdefgh"] });
    assert.equal(verifyDrawToken(token, "xmas-2026", NOW), "bad_signature");
  });

  it("should keep participant cookies and link tokens apart: neither is accepted as the other", () => {
    const cookie = issueParticipant({ slug: "xmas-2026", key: "ext:wmA", externalUserId: "wmA" }, NOW);
    const token = issueDrawToken({ slug: "xmas-2026", externalUserId: "wmA", now: NOW });
    assert.equal(verifyDrawToken(cookie, "xmas-2026", NOW), "bad_signature");
    assert.equal(verifyParticipant(token, "xmas-2026", NOW), "bad_signature");
    const participant = verifyParticipant(cookie, "xmas-2026", NOW);
    assert.ok(typeof participant !== "string");
    assert.equal(participant.key, "ext:wmA");
    assert.equal(verifyParticipant(cookie, "other-draw", NOW), "wrong_draw");
  });
});
