import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type EnvError, parseEnv } from "../../server/env.ts";
import { wechatPayConfigFromEnv } from "../../server/wechatpay/config.ts";
import { MERCHANT_PRIVATE_PEM } from "./support.ts";

const problemsOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    return (error as EnvError).problems;
  }
};

describe("WeChat Pay configuration", () => {
  const publicKey = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
  const full = {
    WECHATPAY_MCHID: "1900000109",
    WECHATPAY_APPID: "wxd678efh567hg6787",
    WECHATPAY_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    WECHATPAY_PRIVATE_KEY: MERCHANT_PRIVATE_PEM.replace(/\n/g, "\\n"),
    WECHATPAY_APIV3_KEY: "0123456789abcdef0123456789abcdef",
    WECHATPAY_PLATFORM_PUBLIC_KEY: publicKey,
    WECHATPAY_PLATFORM_PUBLIC_KEY_ID: "PUB_KEY_ID_0114232134912410000000000000",
  };

  it("should be off with nothing set, and refuse a partial configuration naming each missing variable", () => {
    assert.equal(wechatPayConfigFromEnv(parseEnv({})), null);
    assert.deepEqual(problemsOf({ WECHATPAY_MCHID: "1900000109", WECHATPAY_APIV3_KEY: "short" }), [
      "WECHATPAY_APPID: is required once any WECHATPAY_* setting is given",
      "WECHATPAY_SERIAL_NO: is required once any WECHATPAY_* setting is given",
      "WECHATPAY_PRIVATE_KEY: is required once any WECHATPAY_* setting is given",
      "WECHATPAY_PLATFORM_PUBLIC_KEY: WeChat Pay's answers cannot be verified without it (or WECHATPAY_PLATFORM_CERTS)",
      "WECHATPAY_APIV3_KEY: must be exactly 32 characters",
    ]);
    const withoutId: Record<string, string> = { ...full };
    delete withoutId.WECHATPAY_PLATFORM_PUBLIC_KEY_ID;
    assert.deepEqual(problemsOf(withoutId), ["WECHATPAY_PLATFORM_PUBLIC_KEY_ID: WECHATPAY_PLATFORM_PUBLIC_KEY and WECHATPAY_PLATFORM_PUBLIC_KEY_ID go together"]);
  });

  it("should read keys given as PEM text (escaped newlines) or as file paths, and default the notify URL from PUBLIC_URL", () => {
    const inline = wechatPayConfigFromEnv(parseEnv({ ...full, PUBLIC_URL: "https://scrm.example.com" }));
    assert.ok(inline);
    assert.equal(inline.privateKey, MERCHANT_PRIVATE_PEM);
    assert.deepEqual([...inline.platformKeys.keys()], ["PUB_KEY_ID_0114232134912410000000000000"]);
    assert.equal(inline.notifyUrl, "https://scrm.example.com/wechatpay/notify");
    assert.equal(inline.apiBase, "https://api.mch.weixin.qq.com");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wxpay-"));
    try {
      fs.writeFileSync(path.join(dir, "apiclient_key.pem"), MERCHANT_PRIVATE_PEM);
      fs.writeFileSync(path.join(dir, "pub_key.pem"), publicKey);
      const fromFiles = wechatPayConfigFromEnv(parseEnv({ ...full, WECHATPAY_PRIVATE_KEY: path.join(dir, "apiclient_key.pem"), WECHATPAY_PLATFORM_PUBLIC_KEY: path.join(dir, "pub_key.pem") }));
      assert.equal(fromFiles?.privateKey, MERCHANT_PRIVATE_PEM);
      assert.throws(() => wechatPayConfigFromEnv(parseEnv({ ...full, WECHATPAY_PRIVATE_KEY: path.join(dir, "missing.pem") })), /^Error: WECHATPAY_PRIVATE_KEY: cannot read the key file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
