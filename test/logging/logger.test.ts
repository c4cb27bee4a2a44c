import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { configureLogger, getLogger, safeUrl, scrubText } from "../../server/logging/logger.ts";
import { captureLogs } from "../support/hooks.ts";

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
  after(() => captureLogs());

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

  describe("errors", () => {
    it("should write only an error's type, message, stack, code and status, never what a library hung on it", () => {
      // The shape co-body gives a JSON parse error: the raw request text on `body`.
      const error = Object.assign(new SyntaxError("Unexpected token } in JSON"), {
        status: 400,
        code: "E_PARSE",
        body: '{"token":"BODY_TOKEN","phone":"13700000000",}',
        headers: { cookie: "scrm_sid=COOKIE_VALUE", authorization: "Bearer HEADER_TOKEN" },
        config: { url: "/gettoken", params: { corpsecret: "CONFIG_SECRET" } },
      });
      getLogger("http").error({ err: error }, "unhandled error");
      const line = lines.at(-1) ?? "";
      for (const leaked of ["BODY_TOKEN", "13700000000", "COOKIE_VALUE", "HEADER_TOKEN", "CONFIG_SECRET"]) {
        assert.equal(line.includes(leaked), false, `${leaked} leaked: ${line}`);
      }
      const { err } = JSON.parse(line) as { err: Record<string, unknown> };
      assert.deepEqual(Object.keys(err).sort(), ["code", "message", "stack", "status", "type"]);
      assert.equal(err["type"], "SyntaxError");
      assert.equal(err["message"], "Unexpected token } in JSON");
      assert.equal(err["status"], 400);
      assert.equal(err["code"], "E_PARSE");
    });

    it("should mask tokens, unionids, session cookies and phones that an error message quotes", () => {
      const cause = new Error("E11000 duplicate key error dup key: { _id: \"unionid:oU_dup\" }");
      const error = new Error("GET /cgi-bin/gettoken?corpid=wx1&corpsecret=S3CRET failed for 13812345678 (+86 139-1234-5678), cookie scrm_sid=abc.def", { cause });
      getLogger("wecom").warn({ err: error }, "failed");
      const line = lines.at(-1) ?? "";
      for (const leaked of ["S3CRET", "oU_dup", "13812345678", "139-1234-5678", "abc.def"]) {
        assert.equal(line.includes(leaked), false, `${leaked} leaked: ${line}`);
      }
      const { err } = JSON.parse(line) as { err: { message: string; cause: { message: string } } };
      assert.equal(err.message, "GET /cgi-bin/gettoken?corpid=wx1&corpsecret=[redacted] failed for [phone] ([phone]), cookie scrm_sid=[redacted]");
      assert.equal(err.cause.message, 'E11000 duplicate key error dup key: { _id: "unionid:[redacted]" }');
    });

    it("should say what was thrown when it is not an Error, without its fields", () => {
      getLogger("job").error({ err: { body: "13800001111", token: "T" } }, "failed");
      const { err } = JSON.parse(lines.at(-1) ?? "") as { err: Record<string, unknown> };
      assert.deepEqual(err, { type: "object", message: "non-error thrown" });
      assert.equal(scrubText("call 15900001111 now"), "call [phone] now");
    });
  });
});
