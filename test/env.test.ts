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
      (error: unknown) => error instanceof EnvError && /^SANDBOX: /.test(error.problems[0] ?? ""),
    );
    assert.equal(parseEnv({ NODE_ENV: "production", SANDBOX_FORCE: "1" }).SANDBOX_FORCE, true);
  });

  it("should treat empty values as unset", () => {
    const env = parseEnv({ MONGODB_URI: "", WECOM_CORP_ID: " " });
    assert.equal(env.MONGODB_URI, undefined);
    assert.equal(env.WECOM_CORP_ID, undefined);
  });

  it("should name every missing variable when production boots with nothing set, not only the sandbox refusal", () => {
    try {
      parseEnv({ NODE_ENV: "production" });
      assert.fail("expected an EnvError");
    } catch (error) {
      assert.ok(error instanceof EnvError);
      const fields = new Set(error.problems.map((problem) => problem.split(":")[0]));
      for (const key of ["SANDBOX", "WECOM_CORP_ID", "WECOM_CALLBACK_TOKEN", "WECOM_CALLBACK_AES_KEY", "MONGODB_URI", "SCRM_API_TOKEN", "WECOM_CONTACT_SECRET", "DATA_ENCRYPTION_KEY", "SESSION_SECRET", "PUBLIC_URL"]) {
        assert.ok(fields.has(key), `${key} is named`);
      }
    }
  });

  const production = {
    NODE_ENV: "production",
    MONGODB_URI: "mongodb://db.internal:27017/scrm",
    WECOM_CORP_ID: "ww0123456789abcdef",
    WECOM_CALLBACK_TOKEN: "QDG6eK",
    WECOM_CALLBACK_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    WECOM_CONTACT_SECRET: "contact-secret-from-wecom",
    SCRM_API_TOKEN: "9f2c4e7a1b3d5f60",
    SESSION_SECRET: "3b8f1e9c2d7a4f6b0e5c8a1d9f2b7e4c",
    DATA_ENCRYPTION_KEY: "q3Jx0fT8sY2mV6nB1kL9pR4wZ7cH5dG0aE3uI8oQ2yM=",
    PUBLIC_URL: "https://scrm.example.com",
  };

  it("should accept a real production configuration, with no development aid", () => {
    const env = parseEnv(production);
    assert.equal(env.sandbox, false);
    assert.equal(env.realCredentials, true);
    assert.equal(env.devAids, false);
    assert.equal(env.PUBLIC_URL, "https://scrm.example.com");
    assert.equal(env.TRUST_PROXY, false);
  });

  it("should refuse weak secrets and a plain-HTTP PUBLIC_URL in production", () => {
    const refused = (overrides: Record<string, string>, field: string) =>
      assert.throws(
        () => parseEnv({ ...production, ...overrides }),
        (error: unknown) => error instanceof EnvError && error.problems.some((problem) => problem.startsWith(`${field}:`)),
        field,
      );
    refused({ SCRM_API_TOKEN: "a".repeat(16) }, "SCRM_API_TOKEN");
    refused({ SESSION_SECRET: "ab".repeat(20) }, "SESSION_SECRET");
    refused({ DATA_ENCRYPTION_KEY: "0".repeat(64) }, "DATA_ENCRYPTION_KEY");
    refused({ PUBLIC_URL: "http://scrm.example.com" }, "PUBLIC_URL");
    refused({ PUBLIC_URL: "https://scrm.example.com/console" }, "PUBLIC_URL");
  });

  it("should turn development aids off whenever a WeCom credential is set, whatever NODE_ENV says", () => {
    assert.equal(parseEnv({}).devAids, true);
    assert.equal(parseEnv({ NODE_ENV: "development", SANDBOX: "0" }).devAids, true);
    for (const key of ["WECOM_CORP_ID", "WECOM_CONTACT_SECRET", "WECOM_AGENT_SECRET"]) {
      const env = parseEnv({ NODE_ENV: "development", [key]: "set", ...(key === "WECOM_CORP_ID" ? { WECOM_CALLBACK_TOKEN: "T", WECOM_CALLBACK_AES_KEY: production.WECOM_CALLBACK_AES_KEY } : {}), ...(key === "WECOM_AGENT_SECRET" ? { WECOM_AGENT_ID: "1000002" } : {}) });
      assert.equal(env.devAids, false, key);
      assert.equal(env.realCredentials, true, key);
    }
  });

  it("should listen on loopback unless HOST says otherwise, and trust forwarded headers only with TRUST_PROXY=1", () => {
    assert.equal(parseEnv({}).HOST, "127.0.0.1");
    assert.equal(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY, true);
    assert.throws(() => parseEnv({ TRUST_PROXY: "yes" }), EnvError);
  });
});
