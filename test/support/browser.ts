// Browser tests: the built sidebar and console in a real Chromium (playwright-core) against the
// real server and the run's database. Logins go through the real WeCom OAuth / QR flow: the
// browser is sent to WeCom's host, which the browser context answers itself (a 302 back to the
// server's callback with a code and the server's state), and nock answers the server's
// auth/getuserinfo for that code with the employee WeCom would have named.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page, type Route } from "playwright-core";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import { useTestServer, type TestServer } from "./server.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "./wecomNock.ts";
import { WECOM_BASE } from "./wecomSecrets.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FRONTEND_DIR = path.join(ROOT, "sidebar", "dist");
export const SCREENSHOT_DIR = path.join(ROOT, "test-results", "screenshots");

const VIEWPORTS = { sidebar: { width: 400, height: 800 }, console: { width: 1280, height: 800 } } as const;
/** Where the server sends the browser to log in (server/routes/auth.ts WECOM_LOGIN_URLS). */
const WECOM_LOGIN_HOSTS: Record<string, WeComLogin["mode"]> = { "open.weixin.qq.com": "oauth", "login.work.weixin.qq.com": "qr" };

/** A login the stand-in WeCom login page answered. */
export interface WeComLogin {
  mode: "oauth" | "qr";
  /** The employee WeCom said it was ("" when the test made WeCom answer something else). */
  userId: string;
  /** The URL the server sent the browser to (without the fragment). */
  url: URL;
  code: string;
}

export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Logins answered during the current test, in order. */
  readonly logins: WeComLogin[];
  /**
   * A page in a fresh context (no cookies): 400×800 for the sidebar, 1280×800 for the console,
   * zh-CN, China time. Requests off the loopback server are refused, except WeCom's login pages.
   *
   * @param kind which front end the page is for (sets the viewport).
   * @param options wecomUserId: who WeCom says is logging in when the page reaches its login;
   * wecomAnswer: what auth/getuserinfo answers instead (e.g. an outsider's openid).
   * @returns the page.
   */
  newPage(kind: keyof typeof VIEWPORTS, options?: { wecomUserId?: string; wecomAnswer?: Record<string, unknown> }): Promise<Page>;
  /** Fails when a page threw an uncaught error or tried to reach a host other than the server and WeCom's login. */
  assertCleanRun(): void;
}

let frontendBuilt = false;
let loginSequence = 0;

/**
 * @returns Chromium's executable (CHROMIUM_PATH, or Debian's /usr/bin/chromium); throws with how to install it.
 */
export function chromiumPath(): string {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. The browser tests need it: install Debian's package ` +
        "(sudo apt-get install chromium fonts-wqy-microhei) or point CHROMIUM_PATH at a Chromium/Chrome binary.",
    );
  }
  return executablePath;
}

const isLoopback = (url: URL) => url.hostname === "127.0.0.1" || url.hostname === "localhost";

/**
 * Register the hooks of a browser suite: build the front end once per run, one server and one
 * Chromium for the suite, an empty database and fresh contexts for every test. Call inside a
 * describe (give it a timeout: a test drives real pages).
 *
 * @returns the suite handle; its fields are set once the before hook ran.
 */
export function useBrowser(): BrowserSuite {
  const server = useTestServer({ frontendDir: FRONTEND_DIR });
  const contexts: BrowserContext[] = [];
  const logins: WeComLogin[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const offsite: string[] = [];
  let browser: Browser | null = null;

  before(async function () {
    this.timeout(240_000);
    const executablePath = chromiumPath();
    if (!frontendBuilt) {
      // Rebuilds only when a source is newer than sidebar/dist.
      buildFrontend({ quiet: true });
      frontendBuilt = true;
    }
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
  });

  beforeEach(() => {
    logins.length = 0;
    pageErrors.length = 0;
    consoleErrors.length = 0;
    offsite.length = 0;
  });

  afterEach(async function () {
    // BROWSER_DEBUG=1 prints what the pages logged even when the test passed.
    const failed = this.currentTest?.state === "failed";
    if (failed || process.env.BROWSER_DEBUG) {
      const title = (this.currentTest?.fullTitle() ?? "test").replace(/[^\w\u4e00-\u9fff-]+/g, "_").slice(0, 80);
      let index = 0;
      for (const context of contexts) {
        for (const page of context.pages()) {
          index += 1;
          const file = await screenshot(page, `${failed ? "failed" : "debug"}-${title}-${index}.png`).catch(() => null);
          console.log(`    [browser] ${page.url()}${file ? ` (screenshot ${path.relative(ROOT, file)})` : ""}`);
        }
      }
      for (const line of [...pageErrors.map((e) => `page error: ${e}`), ...consoleErrors.map((e) => `console: ${e}`), ...offsite.map((u) => `refused off-site request: ${u}`)]) {
        console.log(`    [browser] ${line}`);
      }
    }
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
  });

  /** WeCom's login page: straight back to the server's callback with a code for the expected employee. */
  async function answerLogin(route: Route, mode: WeComLogin["mode"], who: { wecomUserId?: string; wecomAnswer?: Record<string, unknown> }): Promise<void> {
    const url = new URL(route.request().url());
    const redirectUri = url.searchParams.get("redirect_uri");
    const state = url.searchParams.get("state");
    const problem = !who.wecomUserId && !who.wecomAnswer
      ? "the test did not say who logs in (newPage(kind, { wecomUserId }))"
      : !redirectUri || !state
        ? "the login URL has no redirect_uri or state"
        : new URL(redirectUri).origin !== server.server.url
          ? `redirect_uri ${redirectUri} is not the server under test`
          : null;
    if (problem || !redirectUri || !state) {
      pageErrors.push(`WeCom ${mode} login refused: ${problem}`);
      await route.fulfill({ status: 400, contentType: "text/plain; charset=utf-8", body: `stand-in WeCom login: ${problem}` });
      return;
    }
    loginSequence += 1;
    const code = `BROWSER${loginSequence}${who.wecomUserId ?? ""}`;
    nockAgentToken();
    const answer = who.wecomAnswer ?? { errcode: 0, errmsg: "ok", userid: who.wecomUserId };
    nock(WECOM_BASE).get("/cgi-bin/auth/getuserinfo").query({ access_token: AGENT_ACCESS_TOKEN, code }).reply(200, answer);
    logins.push({ mode, userId: who.wecomAnswer ? "" : (who.wecomUserId ?? ""), url, code });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", state);
    await route.fulfill({ status: 302, headers: { location: back.href } });
  }

  const suite: BrowserSuite = {
    get server() {
      return server.server;
    },
    get browser() {
      if (!browser) {
        throw new Error("the browser is not started (useBrowser's before hook has not run)");
      }
      return browser;
    },
    logins,
    async newPage(kind, options = {}) {
      const context = await suite.browser.newContext({ viewport: VIEWPORTS[kind], locale: "zh-CN", timezoneId: "Asia/Shanghai" });
      contexts.push(context);
      context.setDefaultTimeout(10_000);
      await context.route(
        (url) => (url.protocol === "http:" || url.protocol === "https:") && !isLoopback(url),
        async (route) => {
          const url = new URL(route.request().url());
          const mode = WECOM_LOGIN_HOSTS[url.hostname];
          if (mode) {
            await answerLogin(route, mode, options);
            return;
          }
          offsite.push(url.href);
          await route.abort("blockedbyclient");
        },
      );
      context.on("page", (page) => watch(page));
      const page = await context.newPage();
      return page;
    },
    assertCleanRun() {
      const problems = [...pageErrors.map((e) => `page error: ${e}`), ...offsite.map((u) => `off-site request: ${u}`)];
      if (problems.length > 0) {
        throw new Error(`the pages misbehaved:\n  ${problems.join("\n  ")}`);
      }
    },
  };

  function watch(page: Page): void {
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error") {
        consoleErrors.push(`${page.url()}: ${message.text()}`);
      }
    });
  }

  return suite;
}

/**
 * Save a full-page PNG under test-results/screenshots/.
 *
 * @param page the page.
 * @param name the file name (e.g. "sidebar-customer.png").
 * @returns the file's path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What the page's globals look like to a function run in the page (the tests compile without DOM types). */
interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
  __wwStandIn?: { calls: StandInCall[] };
}

/**
 * Wait until exactly `count` elements match (Playwright polls in the page).
 *
 * @param page the page.
 * @param selector a CSS selector.
 * @param count how many to wait for.
 */
export async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  await page.waitForFunction(({ selector: css, count: wanted }) => (globalThis as unknown as PageGlobals).document.querySelectorAll(css).length === wanted, { selector, count });
}

/**
 * Wait until the JS-SDK stand-in has recorded a call of `api`.
 *
 * @param page a sidebar page.
 * @param api e.g. "sendChatMessage".
 */
export async function waitForStandInCall(page: Page, api: string): Promise<void> {
  await page.waitForFunction((name) => (globalThis as unknown as PageGlobals).__wwStandIn?.calls.some((call) => call.api === name) ?? false, api);
}

/** The JS-SDK stand-in's record of calls (sidebar/src/shared/ww/standIn.ts). */
export interface StandInCall {
  api: string;
  args: unknown[];
}

/**
 * @param page a sidebar page.
 * @returns what the page asked the JS-SDK stand-in so far.
 */
export async function standInCalls(page: Page): Promise<StandInCall[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__wwStandIn?.calls ?? []);
}

/**
 * @param page a page.
 * @param name a `data-test` name.
 * @returns the locator for it.
 */
export const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);

/**
 * @param page a console page.
 * @param name the `data-test` name of an el-form-item.
 * @returns the locator of the error shown under that form item.
 */
export const fieldError = (page: Page, name: string) => page.locator(`[data-test="${name}"] .el-form-item__error`);

/**
 * Open the console and make the first admin through its bootstrap form (SCRM_API_TOKEN), as a
 * new installation does.
 *
 * @param suite the browser suite.
 * @param options the token the test server was started with, and the admin's userid.
 * @returns the console page, logged in.
 */
export async function bootstrapAdminPage(suite: BrowserSuite, options: { token: string; userId?: string }): Promise<Page> {
  const page = await suite.newPage("console");
  await page.goto(`${suite.server.url}/console/`);
  await byTest(page, "bootstrap-token").fill(options.token);
  await byTest(page, "bootstrap-userid").fill(options.userId ?? "boss");
  await byTest(page, "bootstrap-submit").click();
  await byTest(page, "current-user").waitFor();
  return page;
}
