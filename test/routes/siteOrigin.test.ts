import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { siteOrigin } from "../../server/routes/siteOrigin.ts";

// Links we hand out (funnel QR codes and posters, draw links) were built from ctx.origin, which
// in Koa 3 is the request's Origin header: a page on another site could have a poster printed
// with its own address in the QR.
describe("the site origin for links we hand out", () => {
  let server: ReturnType<Koa["listen"]>;
  let base = "";
  before(async () => {
    const app = new Koa();
    app.use((ctx) => {
      ctx.body = { withPublicUrl: siteOrigin(ctx, "https://scrm.example.com"), fromRequest: siteOrigin(ctx) };
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it("should be PUBLIC_URL when set, else this request's protocol and host, never the Origin header", async () => {
    const answer = await fetch(base, { headers: { origin: "https://evil.example" } });
    assert.deepEqual(await answer.json(), { withPublicUrl: "https://scrm.example.com", fromRequest: base });
  });
});
