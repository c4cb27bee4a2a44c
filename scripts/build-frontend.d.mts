// Types of build-frontend.mjs, for TypeScript callers (the browser tests build the pages once per run).

/** @returns true when the built pages are missing or older than a source. */
export function frontendIsStale(): boolean;

/**
 * Build the sidebar and console with Vite when stale (or always with force).
 *
 * @returns whether a build ran.
 */
export function buildFrontend(options?: { force?: boolean; quiet?: boolean }): boolean;
