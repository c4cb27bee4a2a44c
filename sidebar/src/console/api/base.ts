// Where the console's endpoints live; every console/api module builds its URLs here.

/**
 * @param path a path under /api/console, starting with "/".
 * @returns the URL.
 */
export const consoleUrl = (path: string) => `/api/console${path}`;

/** One path segment (a member number, an id) made safe for the URL. */
export const segment = encodeURIComponent;

/** Which page of a list (a type, not an interface, so it passes as query parameters). */
export type PageQuery = { page: number; pageSize: number };
