// The local WeCom sandbox end to end, as a newcomer meets it: the product started the way
// `npm start` starts it (a child process, no WeCom variable, a real data folder), its sandbox page
// in Chromium, and the path a person takes there — scan a channel code as a new WeChat user, watch
// the guide's WeCom window open the real sidebar (logged in through the sandbox's login stand-in),
// tag the customer, buy, and see the member level in the sidebar. Everything the product learns it
// learns through its real pipeline (signed callbacks, the WeCom client against the stand-in).
// A second start with SANDBOX=0 proves none of the sandbox's pages or routes exist outside it.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from "playwright-core";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { waitFor } from "../../server/utils/async.ts";
import { chromiumPath, screenshot } from "../support/browser.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;

/** One pino line of the child's stdout (or its raw text when it is not JSON). */
interface LogLine {
  level?: number;
  msg?: string;
  raw: string;
}

/** The product running as a child process. */
interface Product {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  /** Every stdout line so far, in order. */
  lines: LogLine[];
  stderr: string[];
}

/** The inherited environment without anything that would configure a real corp or the sandbox switch. */
function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(WECOM_|SANDBOX)/.test(key) || key === "SCRM_API_TOKEN" || key === "MONGODB_URI") {
      continue;
    }
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Start `server/main.ts` as `npm start` does (after the front-end build), with its own data folder,
 * and wait for the line naming the port.
 *
 * @param label what the temp folder is called after.
 * @param extra variables on top of the cleaned environment.
 * @returns the running product.
 */
async function startProduct(label: string, extra: Record<string, string>): Promise<Product> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `scrm-${label}-`));
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: newcomerEnv({ DATA_DIR: dataDir, PORT: "0", NODE_ENV: "development", LOG_LEVEL: "info", ...extra }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const product: Product = { url: "", port: 0, child, dataDir, lines, stderr };
  readline.createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => stderr.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the product did not log "listening on" within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (raw) => {
      let line: LogLine = { raw };
      try {
        line = { ...(JSON.parse(raw) as { level?: number; msg?: string }), raw };
      } catch {
        // not a pino line (a library writing to stdout): kept raw
      }
      lines.push(line);
      const listening = /listening on http:\/\/localhost:(\d+)/.exec(line.msg ?? "");
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the product exited before listening (code ${code}, signal ${signal})`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  }).catch((error: unknown) => {
    // Say why, then clean up what was started.
    process.stdout.write(describeLogs(product));
    return stopProduct(product).then(() => Promise.reject(error));
  });
  product.port = port;
  // What the log tells a newcomer to open.
  product.url = `http://localhost:${port}`;
  return product;
}

/** The child's last lines, for a failure message. */
function describeLogs(product: Product, count = 30): string {
  const out = product.lines.slice(-count).map((line) => `    [product] ${line.raw}`);
  const err = product.stderr.slice(-count).map((line) => `    [product stderr] ${line}`);
  return `${[...out, ...err].join("\n")}\n`;
}

/**
 * SIGTERM (the product shuts down gracefully, closing its embedded database), SIGKILL after 10 s;
 * then the data folder goes. After a SIGKILL the database the child had started (its own process
 * group, named in the data folder's pid file) is stopped too.
 */
async function stopProduct(product: Product | null): Promise<void> {
  if (!product) {
    return;
  }
  const { child } = product;
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!graceful) {
      child.kill("SIGKILL");
      await exited;
      const pidFile = path.join(product.dataDir, "embedded-mongo.pid");
      const databasePid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").trim()) : NaN;
      if (Number.isInteger(databasePid) && databasePid > 0) {
        try {
          process.kill(databasePid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }
  fs.rmSync(product.dataDir, { recursive: true, force: true });
}

const byTest = (scope: Page | FrameLocator, name: string) => scope.locator(`[data-test="${name}"]`);
/** An Element Plus input: the attribute lands on the <input> itself (or on its wrapper in other versions). */
const inputOf = (page: Page, name: string) => page.locator(`input[data-test="${name}"], [data-test="${name}"] input`);

describe("the sandbox, as a newcomer starts it (child process, browser)", function () {
  this.timeout(180_000);
  let product: Product | null = null;
  let browser: Browser | null = null;
  let context: BrowserContext | null = null;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(240_000);
    const executablePath = chromiumPath();
    // Rebuilds only when a source is newer than sidebar/dist (as npm start does).
    buildFrontend({ quiet: true });
    // Both at once; whichever started is stopped by `after` even when the other failed.
    const started = await Promise.allSettled([
      startProduct("sandbox", { EMBEDDED_DB_BACKEND: "h2" }).then((running) => (product = running)),
      chromium.launch({ executablePath, args: ["--no-sandbox"] }).then((launched) => (browser = launched)),
    ]);
    for (const outcome of started) {
      if (outcome.status === "rejected") {
        throw outcome.reason;
      }
    }
  });

  after(async function () {
    this.timeout(30_000);
    await context?.close().catch(() => undefined);
    await browser?.close();
    await stopProduct(product);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== "failed") {
      return;
    }
    for (const page of context?.pages() ?? []) {
      const file = await screenshot(page, "failed-sandbox.png").catch(() => null);
      console.log(`    [browser] ${page.url()}${file ? ` (screenshot ${path.relative(ROOT, file)})` : ""}`);
    }
    for (const error of pageErrors) {
      console.log(`    [browser] page error: ${error}`);
    }
    if (product) {
      console.log(describeLogs(product, 40));
    }
  });

  it("logs sandbox mode first, then where it listens and where the sandbox page is", async () => {
    assert.ok(product);
    const { port, lines } = product;
    // The page's line follows the listening line; give the process a moment to write it.
    const announced = await waitFor(() => lines.some((line) => (line.msg ?? "").includes(`沙箱 sandbox page: http://localhost:${port}/sandbox/`)), { timeoutMs: 5_000, intervalMs: 50 });
    assert.ok(announced, "the sandbox page line");
    const messages = lines.map((line) => line.msg ?? line.raw);
    const sandboxLine = messages.findIndex((msg) => msg.includes("沙箱模式"));
    assert.ok(sandboxLine >= 0, `no 沙箱模式 line in:\n${messages.join("\n")}`);
    // Among the very first lines (at most the DATA_ENCRYPTION_KEY warning before it), before the database starts.
    assert.ok(sandboxLine <= 1, `the 沙箱模式 line is line ${sandboxLine + 1}:\n${messages.slice(0, sandboxLine + 1).join("\n")}`);
    assert.ok(sandboxLine < messages.indexOf("starting SCRM server"), "沙箱模式 comes before 'starting SCRM server'");
    assert.ok(sandboxLine < messages.findIndex((msg) => msg.includes(`listening on http://localhost:${port}`)), "沙箱模式 comes before the listening line");
  });

  it("scan a channel code, see the customer in the guide's sidebar, tag them, buy to silver and see the level", async () => {
    assert.ok(product && browser);
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    context.setDefaultTimeout(20_000);
    context.on("page", (opened) => opened.on("pageerror", (error) => pageErrors.push(`${opened.url()}: ${error.message}`)));
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    // Nothing on the page may reach off this machine: the stand-in's QR images and the sandbox's
    // avatars are served on loopback.
    const offsite: { url: string; type: string }[] = [];
    await context.route(
      (url) => (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "127.0.0.1" && url.hostname !== "localhost",
      async (route) => {
        offsite.push({ url: route.request().url(), type: route.request().resourceType() });
        await route.abort("blockedbyclient");
      },
    );

    await page.goto(`${product.url}/sandbox/`);
    await byTest(page, "sandbox-badge").waitFor();
    // A fresh data folder: the corp is not there yet, so the page offers to set it up.
    const seed = byTest(page, "seed");
    const ways = byTest(page, "contact-way");
    await Promise.race([seed.waitFor(), ways.first().waitFor()]);
    if (await seed.isVisible()) {
      await seed.click();
      await ways.first().waitFor({ timeout: 60_000 });
      await byTest(page, "action-result").filter({ hasText: "沙箱企业已初始化" }).waitFor();
    }
    assert.ok((await ways.count()) >= 1, "the seeded corp has channel codes");

    // Pick a channel code whose guide is not the one at the WeCom window, so the scan visibly
    // switches the window to the customer's guide.
    const state = (await (await page.request.get(`${product.url}/sandbox/api/state`)).json()) as {
      data: { contactWays: { config_id: string; user: string[]; remark: string }[]; guides: { userid: string; name: string }[] };
    };
    const currentGuide = await byTest(page, "guide-select").inputValue();
    const way = state.data.contactWays.find((candidate) => candidate.user[0] && candidate.user[0] !== currentGuide) ?? state.data.contactWays[0];
    assert.ok(way?.user[0], "a channel code with a guide");
    const wayGuide = state.data.guides.find((guide) => guide.userid === way.user[0]);
    assert.ok(wayGuide, `the channel code's guide ${way.user[0]} is in the directory`);
    await page.locator(`[data-test="contact-way"][data-config-id="${way.config_id}"]`).click();

    const name = `沙箱顾客${Date.now() % 100_000}`;
    await inputOf(page, "customer-name-input").fill(name);
    await byTest(page, "scan").click();
    await byTest(page, "action-result").filter({ hasText: `扫码成功：「${name}」已添加导购「${wayGuide.name}」为好友` }).waitFor();
    const recent = byTest(page, "recent-customer").filter({ hasText: name });
    await recent.waitFor();
    const externalUserId = await recent.getAttribute("data-external-user-id");
    assert.ok(externalUserId, "the recent customer carries its external_userid");
    assert.equal(await byTest(page, "guide-select").inputValue(), wayGuide.userid, "the WeCom window switched to the guide the customer added");
    assert.match((await recent.getAttribute("class")) ?? "", /conversation--active/, "the new customer is the open conversation");
    await byTest(page, "phone-customer").filter({ hasText: name }).waitFor();
    await screenshot(page, "sandbox-scan.png");

    // The guide's sidebar: the real /sidebar/ for this customer, logged in through the login stand-in.
    const frameElement = byTest(page, "sidebar-frame");
    await frameElement.waitFor();
    assert.match((await frameElement.getAttribute("src")) ?? "", new RegExp(`entry=single_chat_tools&contact=${externalUserId}`));
    const sidebar = page.frameLocator('[data-test="sidebar-frame"]');
    await byTest(sidebar, "customer-name").filter({ hasText: name }).waitFor({ timeout: 30_000 });
    await byTest(sidebar, "not-member").filter({ hasText: "尚未成为会员" }).waitFor();
    const me = (await (await page.request.get(`${product.url}/api/auth/me`)).json()) as { data: { userId: string } };
    assert.equal(me.data.userId, wayGuide.userid, "the sidebar's session is the customer's guide (the login stand-in named them)");

    // Tag the customer from the sidebar: the chip appears only once the stand-in's mark_tag accepted it.
    assert.equal(await byTest(sidebar, "tag-chip").count(), 0, "a new customer has no tags");
    await byTest(sidebar, "tag-edit").click();
    const option = byTest(sidebar, "tag-option").first();
    await option.waitFor();
    const tagId = await option.getAttribute("data-tag-id");
    const tagName = (await option.innerText()).trim();
    assert.ok(tagId && tagName, "the corp's tags (mirrored from the seed's callbacks) are offered");
    await option.click();
    await byTest(sidebar, "tag-save").click();
    const chip = sidebar.locator(`[data-test="tag-chip"][data-tag-id="${tagId}"]`);
    await chip.waitFor();
    assert.equal((await chip.innerText()).trim(), tagName);
    await sidebar.locator(".van-toast").waitFor({ state: "hidden" });
    await screenshot(page, "sandbox-sidebar-member.png");

    // Buy enough to reach the second level: growth per yuan × amount ≥ its threshold.
    const second = DEFAULT_PROGRAM.levels[1];
    const third = DEFAULT_PROGRAM.levels[2];
    assert.ok(second && third, "the default programme has at least three levels");
    const yuan = Math.ceil(second.threshold / DEFAULT_PROGRAM.growth.perYuan) + 200;
    assert.ok(yuan * DEFAULT_PROGRAM.growth.perYuan < third.threshold, "the purchase stops at the second level");
    const expectedPoints = Math.trunc(yuan * DEFAULT_PROGRAM.points.perYuan);
    await inputOf(page, "buy-amount").fill(String(yuan));
    await byTest(page, "buy").click();
    await byTest(page, "action-result").filter({ hasText: `下单成功：¥${yuan.toFixed(2)}` }).waitFor();
    assert.match(await byTest(page, "action-result").innerText(), new RegExp(`当前积分 ${expectedPoints}`));

    // Re-open the sidebar on this customer as a guide would: the stand-in badge goes back to the
    // chat picker, and picking the customer opens their profile afresh.
    await byTest(sidebar, "stand-in-badge").click();
    await sidebar.locator('[data-test="dev-context-customer"]').filter({ hasText: name }).click();
    await byTest(sidebar, "member-level").filter({ hasText: second.name }).waitFor();
    assert.equal((await byTest(sidebar, "customer-name").innerText()).trim(), name);
    assert.equal((await byTest(sidebar, "points").innerText()).trim(), String(expectedPoints));
    const ratio = Number(await byTest(sidebar, "level-progress").getAttribute("data-ratio"));
    const expectedRatio = (yuan * DEFAULT_PROGRAM.growth.perYuan - second.threshold) / (third.threshold - second.threshold);
    assert.ok(Math.abs(ratio - expectedRatio) < 1e-9, `progress towards ${third.name}: ${ratio} (expected ${expectedRatio})`);
    // The tag set earlier is still there after the reload: the product kept what WeCom accepted.
    await chip.waitFor();
    await screenshot(page, "sandbox-level-up.png");

    assert.deepEqual(pageErrors, [], "no page threw");
    assert.deepEqual(offsite, [], "no request left this machine");
    const errors = product.lines.filter((line) => (line.level ?? 0) >= 50);
    assert.deepEqual(errors.map((line) => line.raw), [], "the product logged no error");
  });
});

describe("outside sandbox mode (SANDBOX=0, child process)", function () {
  this.timeout(120_000);
  let product: Product | null = null;

  before(async function () {
    this.timeout(120_000);
    product = await startProduct("no-sandbox", { SANDBOX: "0", EMBEDDED_DB_BACKEND: "memory" });
  });

  after(async function () {
    this.timeout(30_000);
    await stopProduct(product);
  });

  it("has no sandbox page or routes, and says nothing of a sandbox", async () => {
    assert.ok(product);
    for (const route of ["/sandbox/", "/sandbox/api/state", `/sandbox/oauth/authorize?appid=x&redirect_uri=${encodeURIComponent(`${product.url}/`)}`]) {
      const response = await fetch(`${product.url}${route}`, { redirect: "manual" });
      assert.equal(response.status, 404, `GET ${route} answers ${response.status}`);
    }
    assert.equal((await fetch(`${product.url}/healthz`)).status, 200, "the product itself is up");
    assert.ok(!product.lines.some((line) => (line.msg ?? "").includes("沙箱")), "no sandbox line in the log");
  });
});
