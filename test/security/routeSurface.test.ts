// The whole surface, read from the routers themselves: every route answers 401 without
// credentials unless it is on the public list below, under every spelling of its path.
import assert from "node:assert/strict";
import { appRoutes, concretePath, PUBLIC_ROUTES } from "../support/routeTable.ts";
import { useTestServer } from "../support/server.ts";

/**
 * Other spellings of a path a client might try to slip past a guard.
 *
 * @param path a concrete path.
 * @returns the variants, each with what it tries.
 */
function spellings(path: string): [string, string][] {
  const segments = path.split("/");
  const [, first = "", second = ""] = segments;
  const rest = segments.slice(3).join("/");
  return [
    ["upper case", path.toUpperCase()],
    ["upper-case prefix", `/${first.toUpperCase()}/${second.toUpperCase()}${rest ? `/${rest}` : ""}`],
    ["mixed case", path.replace(/[a-z]/, (letter) => letter.toUpperCase())],
    ["trailing slash", `${path}/`],
    ["double slash", path.replace(/\//g, "//")],
    ["encoded separators", `/${first}${segments.slice(2).map((segment) => `%2F${segment}`).join("")}`],
    ["encoded letter", path.replace(/[a-z]/, (letter) => `%${letter.charCodeAt(0).toString(16)}`)],
  ];
}

describe("the route surface (every route the routers declare)", function () {
  this.timeout(120_000);
  const context = useTestServer({ devLogin: true });
  const routes = appRoutes();

  it("should find the routers' routes (the enumeration itself works)", () => {
    const keys = routes.map((route) => route.key);
    for (const expected of ["GET /api/console/segments", "GET /api/sidebar/customers/:externalUserId", "POST /api/auth/bootstrap", "POST /wecom/callback"]) {
      assert.ok(keys.includes(expected), expected);
    }
    assert.ok(routes.length > 60, `only ${routes.length} routes found`);
  });

  it("should answer 401 without credentials on every route not on the public list, under every spelling of its path", async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((entry) => !PUBLIC_ROUTES.has(entry.key))) {
      const path = concretePath(route.path);
      for (const [what, variant] of [["as declared", path] as [string, string], ...spellings(path)]) {
        const response = await fetch(`${context.server.url}${variant}`, { method: route.method, redirect: "manual", headers: { "content-type": "application/json" }, body: route.method === "GET" ? undefined : "{}" });
        await response.arrayBuffer();
        if (response.status !== 401) {
          wrong.push(`${route.key} ${what} (${route.method} ${variant}): ${response.status}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("should keep public routes public on purpose: each listed route exists", () => {
    const keys = new Set(routes.map((route) => route.key));
    assert.deepEqual([...PUBLIC_ROUTES].filter((key) => !keys.has(key)), []);
  });

  it("should never answer a spelling of a public route with a server error or a different route's success", async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((entry) => PUBLIC_ROUTES.has(entry.key))) {
      for (const [what, variant] of spellings(concretePath(route.path)).filter(([name]) => name !== "trailing slash")) {
        const response = await fetch(`${context.server.url}${variant}`, { method: route.method, redirect: "manual", headers: { "content-type": "application/json" }, body: route.method === "GET" ? undefined : "{}" });
        await response.arrayBuffer();
        if (response.status >= 500 || (response.status < 400 && variant.toLowerCase() !== route.path.toLowerCase())) {
          wrong.push(`${route.key} ${what} (${variant}): ${response.status}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("should send security headers: no framing of the console by other sites, the sidebar frameable by WeCom, nosniff, no cross-site referrer", async () => {
    const consolePage = await fetch(`${context.server.url}/api/auth/options`);
    assert.equal(consolePage.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.match(consolePage.headers.get("content-security-policy") ?? "", /frame-ancestors 'self'(;|$)/);
    assert.match(consolePage.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal(consolePage.headers.get("x-content-type-options"), "nosniff");
    assert.equal(consolePage.headers.get("referrer-policy"), "same-origin");
    const sidebar = await fetch(`${context.server.url}/sidebar/`);
    assert.equal(sidebar.headers.get("x-frame-options"), null);
    assert.match(sidebar.headers.get("content-security-policy") ?? "", /frame-ancestors 'self' https:\/\/\*\.weixin\.qq\.com/);
    assert.equal(consolePage.headers.get("strict-transport-security"), null, "no HSTS over plain HTTP");
  });
});
