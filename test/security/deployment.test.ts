// The product as someone connecting a real corp starts it: `server/main.ts` in a child process
// with NODE_ENV=development (the default) and WeCom credentials set. No development aid may exist.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { Employee } from "../../server/models/Employee.ts";
import { testDatabaseUri } from "../support/hooks.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Start the product on the test run's database with a real-looking corp configured.
 *
 * @param extra variables on top of the corp's.
 * @returns the child and its base URL once it listens.
 */
async function startWithCorp(extra: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(WECOM_|SANDBOX|SCRM_|SESSION_|PUBLIC_URL|TRUST_PROXY)/.test(key)) {
      env[key] = value;
    }
  }
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: {
      ...env,
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      PORT: "0",
      MONGODB_URI: testDatabaseUri(),
      SCHEDULER: "0",
      EVENT_PROCESSOR: "0",
      WECOM_CORP_ID: SAMPLE.receiveId,
      WECOM_CALLBACK_TOKEN: SAMPLE.token,
      WECOM_CALLBACK_AES_KEY: SAMPLE.aesKey,
      WECOM_CONTACT_SECRET: "contact-secret",
      WECOM_API_BASE: "http://127.0.0.1:9",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the product did not start within 60 s")), 60_000);
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (raw) => {
      const listening = /listening on http:\/\/localhost:(\d+)/.exec(raw);
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the product exited (code ${code})`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

describe("a real corp configured in development mode (child process)", function () {
  this.timeout(90_000);
  let product: { child: ChildProcess; url: string } | null = null;

  before(async () => {
    product = await startWithCorp({});
  });

  after(async () => {
    if (product && product.child.exitCode === null) {
      const exited = new Promise((resolve) => product?.child.once("exit", resolve));
      product.child.kill("SIGTERM");
      await exited;
    }
  });

  it("should have no development login: 404 and no session, not an admin for whoever asks", async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        fetch(`${product?.url}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `attacker${index}` }) }),
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [404, 404, 404, 404, 404],
    );
    assert.ok(answers.every((answer) => answer.headers.getSetCookie().length === 0));
    assert.equal(await Employee.countDocuments({ userId: /^attacker/ }), 0);
    const options = (await (await fetch(`${product?.url}/api/auth/options`)).json()) as { data: { devLogin: boolean; standIn: boolean } };
    assert.deepEqual({ devLogin: options.data.devLogin, standIn: options.data.standIn }, { devLogin: false, standIn: false });
  });

  it("should not serve the sandbox", async () => {
    assert.equal((await fetch(`${product?.url}/sandbox/`)).status, 404);
  });
});
