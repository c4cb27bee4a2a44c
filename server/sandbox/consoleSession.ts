// A person of the sandbox corp at the product's console. The sandbox sets up what has no product
// command (auto-tag rules, saved segments) the way an operator does: logged in through WeCom's
// login — here the login stand-in, since the sandbox has no SCRM_API_TOKEN to call with — and then
// through /api/console like the console's pages, so the product's own checks apply. The login is
// the in-client one (OAuth), never the web login: that one makes the corp's first admin, and the
// first admin is whoever opens the console first, not the demo.
import { SANDBOX_GUIDE_COOKIE } from "./config.ts";

/** What a console call answered. */
export interface ConsoleAnswer<T> {
  status: number;
  data: T | undefined;
  message: string;
}

/** A session at the product's console, logged in as one employee. */
export class ConsoleSession {
  private constructor(
    private readonly origin: string,
    private readonly cookie: string,
  ) {}

  /**
   * Log in as `userid` the way the console's 企业微信登录 does inside WeCom: the product's login
   * start, the login stand-in (told who is logging in by its cookie), the product's callback.
   *
   * @param productUrl the product's origin (or any URL on it).
   * @param userid the employee.
   * @returns the session.
   * @throws Error naming the step when the product refuses the login.
   */
  static async login(productUrl: string, userid: string): Promise<ConsoleSession> {
    const origin = new URL(productUrl).origin;
    const start = await fetch(`${origin}/api/auth/wecom/start?mode=oauth&returnTo=/console/`, { redirect: "manual" });
    const toStandIn = start.headers.get("location");
    if (start.status !== 302 || !toStandIn) {
      throw new Error(`沙箱登录失败：产品的登录入口返回 HTTP ${start.status}`);
    }
    const authorized = await fetch(new URL(toStandIn.replace(/#.*$/, ""), origin), { redirect: "manual", headers: { cookie: `${SANDBOX_GUIDE_COOKIE}=${encodeURIComponent(userid)}` } });
    const toProduct = authorized.headers.get("location");
    if (authorized.status !== 302 || !toProduct) {
      throw new Error(`沙箱登录失败：登录模拟页返回 HTTP ${authorized.status}`);
    }
    const back = await fetch(new URL(toProduct, origin), { redirect: "manual", headers: { cookie: cookiesOf(start) } });
    const session = cookiesOf(back);
    if (!session.includes("scrm_sid=")) {
      const error = new URL(back.headers.get("location") ?? "/", origin).searchParams;
      throw new Error(`沙箱登录失败：${error.get("error") ?? error.get("loginError") ?? `HTTP ${back.status}`}`);
    }
    return new ConsoleSession(origin, session);
  }

  /**
   * Call the console API.
   *
   * @param method the HTTP method.
   * @param path the path under /api/console.
   * @param body the JSON body, if any.
   * @returns the status, the envelope's data and its message.
   */
  async call<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<ConsoleAnswer<T>> {
    const response = await fetch(`${this.origin}/api/console${path}`, {
      method,
      headers: { cookie: this.cookie, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const envelope = (await response.json().catch(() => ({}))) as { data?: T; message?: string };
    return { status: response.status, data: envelope.data, message: envelope.message ?? "" };
  }
}

/** The `name=value` pairs a response set (the signed cookies' signatures with them). */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => pair && !pair.endsWith("="))
    .join("; ");
}
