// The browser side of the sandbox journeys (channel codes and funnels, draws, campaigns): one
// Chromium, a context per person (operator, phone, guide) at their screen size, nothing allowed off
// the machine, page errors collected for the journey to assert on, and a full-page shot of every
// page when a step fails.
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { chromiumPath, FRONTEND_DIR, ROOT } from "./browser.ts";
import { resetDatabase } from "./hooks.ts";

export class JourneyPages {
  /** Page errors and blocked off-site requests, in order; a journey ends by asserting it is empty. */
  readonly errors: string[] = [];
  private browser: Browser | null = null;
  private readonly contexts: BrowserContext[] = [];

  /** @param name names the failure screenshots (test-results/failed-<name>-<n>.png). */
  constructor(private readonly name: string) {}

  async launch(): Promise<void> {
    this.browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
  }

  /**
   * A new person's page.
   *
   * @param width viewport width.
   * @param height viewport height.
   * @returns the page, in Chinese and China time.
   */
  async newPage(width: number, height: number): Promise<Page> {
    if (!this.browser) {
      throw new Error("JourneyPages: launch() first");
    }
    const context = await this.browser.newContext({ viewport: { width, height }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    context.setDefaultTimeout(20_000);
    this.contexts.push(context);
    // Nothing may leave the machine: the product, the stand-ins and the sandbox are all on loopback.
    await context.route(
      (url) => (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "127.0.0.1" && url.hostname !== "localhost",
      async (route) => {
        this.errors.push(`off-site request: ${route.request().url()}`);
        await route.abort("blockedbyclient");
      },
    );
    const page = await context.newPage();
    page.on("pageerror", (error) => this.errors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  /** After a failed step: every page's full screenshot and URL, and the errors, in the test log. */
  async reportFailure(): Promise<void> {
    for (const [index, context] of this.contexts.entries()) {
      for (const page of context.pages()) {
        await page.screenshot({ path: path.join(ROOT, "test-results", `failed-${this.name}-${index}.png`), fullPage: true }).catch(() => undefined);
        console.log(`    [browser] ${page.url()}`);
      }
    }
    for (const error of this.errors) {
      console.log(`    [browser] page error: ${error}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close().catch(() => undefined)));
    await this.browser?.close();
  }
}

/**
 * A sandbox journey's hooks: the front end built, a fresh database, the app in sandbox mode
 * serving it, Chromium; all closed after; every page shot when a step fails.
 *
 * @param name names the failure screenshots.
 * @returns the pages and the running sandbox (once `before` has run).
 */
export function useSandboxJourney(name: string): { pages: JourneyPages; sandbox: () => SandboxServer } {
  const pages = new JourneyPages(name);
  let sandbox: SandboxServer | null = null;
  before(async function () {
    this.timeout(300_000);
    buildFrontend({ quiet: true });
    await resetDatabase();
    sandbox = await startSandboxServer({ frontendDir: FRONTEND_DIR });
    await pages.launch();
  });
  after(async function () {
    this.timeout(60_000);
    await pages.close();
    await sandbox?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      await pages.reportFailure();
    }
  });
  return {
    pages,
    sandbox: () => {
      if (!sandbox) {
        throw new Error("useSandboxJourney: the sandbox starts in before()");
      }
      return sandbox;
    },
  };
}
