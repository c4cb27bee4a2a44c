import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { configureLogger, getLogger, safeUrl } from "../../server/logging/logger.ts";

describe("logger", () => {
  const lines: string[] = [];
  before(() => {
    configureLogger(
      "info",
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
  });
  after(() => configureLogger("silent"));

  it("should redact secrets, tokens, phone numbers and unionids at any depth", () => {
    getLogger("wecom", { requestId: "r1" }).info(
      {
        access_token: "TOKEN_VALUE",
        secret: "SECRET_VALUE",
        customer: { mobile: "13800000000", unionid: "oUNIONID", profile: { phone: "13900000000" } },
      },
      "call",
    );
    const line = lines.at(-1) ?? "";
    for (const leaked of ["TOKEN_VALUE", "SECRET_VALUE", "13800000000", "oUNIONID", "13900000000"]) {
      assert.equal(line.includes(leaked), false, `${leaked} leaked`);
    }
    const parsed = JSON.parse(line) as { category: string; requestId: string; customer: { mobile: string } };
    assert.equal(parsed.category, "wecom");
    assert.equal(parsed.requestId, "r1");
    assert.equal(parsed.customer.mobile, "[redacted]");
  });

  it("should drop the query string (where access_token travels) from URLs", () => {
    assert.equal(safeUrl("/cgi-bin/externalcontact/get?access_token=abc&external_userid=wm1"), "/cgi-bin/externalcontact/get");
    assert.equal(safeUrl("/healthz"), "/healthz");
  });
});
