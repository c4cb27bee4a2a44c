import assert from "node:assert/strict";
import { EnvError, parseEnv, sandboxWanted } from "../server/env.ts";

describe("configuration", () => {
  it("should start with nothing set: embedded database, port 3000, WeCom optional", () => {
    const env = parseEnv({});
    assert.equal(env.PORT, 3000);
    assert.equal(env.MONGODB_URI, undefined);
    assert.equal(env.WECOM_API_BASE, "https://qyapi.weixin.qq.com");
    assert.equal(env.EVENT_PROCESSOR, true);
  });

  it("should list every problem at once", () => {
    try {
      parseEnv({
        PORT: "not-a-port",
        WECOM_CALLBACK_AES_KEY: "too-short",
        LOG_LEVEL: "loud",
        SCRM_API_TOKEN: "short",
      });
      assert.fail("expected an EnvError");
    } catch (error) {
      assert.ok(error instanceof EnvError);
      const fields = error.problems.map((problem) => problem.split(":")[0]);
      assert.deepEqual(fields.sort(), [
        "LOG_LEVEL",
        "PORT",
        "SCRM_API_TOKEN",
        "WECOM_CALLBACK_AES_KEY",
        "WECOM_CALLBACK_TOKEN",
        "WECOM_CORP_ID",
      ]);
      assert.match(error.message, /WECOM_CALLBACK_AES_KEY: must be exactly 43 letters or digits/);
    }
  });

  it("should demand the database, token and secrets in production", () => {
    assert.throws(
      () => parseEnv({ NODE_ENV: "production", SANDBOX: "0" }),
      (error: unknown) =>
        error instanceof EnvError &&
        ["MONGODB_URI", "SCRM_API_TOKEN", "WECOM_CONTACT_SECRET", "WECOM_CORP_ID"].every((key) =>
          error.problems.some((problem) => problem.startsWith(key)),
        ),
    );
  });

  it("should run the sandbox exactly when no WeCom credential is set or SANDBOX=1, and refuse it in production unless forced", () => {
    assert.equal(sandboxWanted({}), true);
    assert.equal(sandboxWanted({ WECOM_CORP_ID: "ww1" }), false);
    assert.equal(sandboxWanted({ WECOM_AGENT_SECRET: "s" }), false);
    assert.equal(sandboxWanted({ WECOM_CORP_ID: "ww1", SANDBOX: "1" }), true);
    assert.equal(sandboxWanted({ SANDBOX: "0" }), false);
    assert.throws(
      () => parseEnv({ NODE_ENV: "production" }),
      (error: unknown) => error instanceof EnvError && error.problems.length === 1 && /^SANDBOX: /.test(error.problems[0] ?? ""),
    );
    assert.equal(parseEnv({ NODE_ENV: "production", SANDBOX_FORCE: "1" }).SANDBOX_FORCE, true);
  });

  it("should treat empty values as unset", () => {
    const env = parseEnv({ MONGODB_URI: "", WECOM_CORP_ID: " " });
    assert.equal(env.MONGODB_URI, undefined);
    assert.equal(env.WECOM_CORP_ID, undefined);
  });
});
