// In sandbox mode the WeCom stand-in serves the QR images (a funnel's landing page shows its join
// way's QR from there, over loopback http), so pages may load images from its origin; nowhere
// else, and no other directive widens.
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server.ts";

describe("pages may show images from the sandbox's WeCom stand-in (AppOptions.imageOrigins)", () => {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));

  async function policyOf(options: { imageOrigins?: string[] }, path: string): Promise<string> {
    const server = await startTestServer(options);
    servers.push(server);
    return (await fetch(`${server.url}${path}`)).headers.get("content-security-policy") ?? "";
  }

  it("adds the stand-in's origin to img-src only, on the landing page and the sidebar alike", async () => {
    const standIn = "http://127.0.0.1:45678";
    for (const path of ["/g/no-such-funnel", "/sidebar/", "/healthz"]) {
      const policy = await policyOf({ imageOrigins: [standIn] }, path);
      const directives = policy.split("; ");
      assert.equal(directives.find((directive) => directive.startsWith("img-src ")), `img-src 'self' data: blob: https: ${standIn}`, path);
      assert.equal(directives.filter((directive) => directive.includes(standIn)).length, 1, `${path}: nothing else names the stand-in`);
    }
  });

  it("keeps img-src to the site, data:, blob: and https: without it", async () => {
    const policy = await policyOf({}, "/g/no-such-funnel");
    assert.ok(policy.split("; ").includes("img-src 'self' data: blob: https:"), policy);
    assert.ok(!policy.includes("http://"), policy);
  });
});
