import assert from "node:assert/strict";
import { EnvError, parseEnv } from "../../server/env.ts";

describe("bot configuration (WECHATY_PUPPET, WECHATY_PUPPET_SERVICE_TOKEN)", () => {
  it("should leave the bot off when WECHATY_PUPPET is unset or empty", () => {
    assert.equal(parseEnv({}).WECHATY_PUPPET, undefined);
    assert.equal(parseEnv({ WECHATY_PUPPET: "  " }).WECHATY_PUPPET, undefined);
  });

  it("should take a puppet package name, and a hosted puppet with its token", () => {
    assert.equal(parseEnv({ WECHATY_PUPPET: "wechaty-puppet-wechat4u" }).WECHATY_PUPPET, "wechaty-puppet-wechat4u");
    const hosted = parseEnv({ WECHATY_PUPPET: "wechaty-puppet-service", WECHATY_PUPPET_SERVICE_TOKEN: "puppet_token_0123" });
    assert.equal(hosted.WECHATY_PUPPET_SERVICE_TOKEN, "puppet_token_0123");
  });

  it("should refuse a name that is no puppet package, and the service puppet without its token", () => {
    const problems = (source: Record<string, string>) => {
      try {
        parseEnv(source);
        return [];
      } catch (error) {
        assert.ok(error instanceof EnvError);
        return error.problems;
      }
    };
    assert.match(problems({ WECHATY_PUPPET: "../../evil" })[0] ?? "", /^WECHATY_PUPPET: must be a Wechaty puppet package name/);
    assert.deepEqual(problems({ WECHATY_PUPPET: "wechaty-puppet-service" }), ["WECHATY_PUPPET_SERVICE_TOKEN: is required with WECHATY_PUPPET=wechaty-puppet-service"]);
  });
});
