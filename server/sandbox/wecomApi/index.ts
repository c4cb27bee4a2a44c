import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWeComStandInApp } from "./app.ts";

export { createWeComStandInApp, ENDPOINTS } from "./app.ts";
export { qrUrl, qrText } from "./qr.ts";

/** Options of {@link startWeComStandIn}. */
export interface WeComStandInOptions {
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** 0 (default) for a free port. */
  port?: number;
  /** The stand-in's clock; tests move it to expire QR codes, codes and media. */
  now?: () => Date;
}

/** A listening stand-in. */
export interface WeComStandIn {
  /** Its origin, e.g. http://127.0.0.1:54321: the product's WECOM_API_BASE in sandbox mode. */
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Start the WeCom API stand-in on a loopback port.
 *
 * @param options host, port and clock.
 * @returns its URL and a close function.
 * @throws Error when asked to listen on a non-loopback address.
 */
export async function startWeComStandIn(options: WeComStandInOptions = {}): Promise<WeComStandIn> {
  const host = options.host ?? "127.0.0.1";
  // The stand-in hands out tokens for public sandbox secrets: never reachable from the network.
  if (!LOOPBACK.has(host)) {
    throw new Error(`the WeCom stand-in listens on loopback only, not ${host}`);
  }
  let url = "";
  const app = createWeComStandInApp({ now: options.now ?? (() => new Date()), baseUrl: () => url });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, () => resolve(listening));
    listening.once("error", reject);
  });
  const { port, address } = server.address() as AddressInfo;
  url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
