import Router from "@koa/router";

/**
 * Every router of the app comes from here, so that all of them match paths the same way.
 * @koa/router compiles `router.use()` prefixes case-sensitively but routes case-insensitively by
 * default: a guard on `/api/console` then missed `/API/CONSOLE/...` while its routes still
 * answered. Case-sensitive everywhere, the guard and the route agree on every path.
 *
 * @param options the router's prefix, if any.
 * @returns a case-sensitive router.
 */
export function createRouter(options: { prefix?: string } = {}): Router {
  return new Router({ ...options, sensitive: true, strict: false });
}
