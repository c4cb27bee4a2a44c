import assert from "node:assert/strict";
import type Koa from "koa";
import mongoose from "mongoose";
import type { z } from "zod";
import { resetDatabase } from "../support/hooks.ts";
import { concretePath, listRoutes, type RouteEntry } from "../support/routeTable.ts";
import { API_TOKEN, createTestApp, listenTestServer, type TestServer } from "../support/server.ts";

// Every route the app serves is sent what an attacker would send: a body that is not JSON, one
// that reaches for a prototype, and Mongo operators where a value belongs. Each must be refused
// with a 4xx naming the field, and nothing may be written.

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// A message names its field first: "body: …", "userId: …", "body.a[0].__proto__: …".
const NAMES_FIELD = /^[\w.[\]$]+: /;
// Param values that pass each route's own param checks, so a refusal is about the body.
const PARAMS = { id: "0123456789abcdef01234567", mergeId: "0123456789abcdef01234567", memberNo: "M00000001", externalUserId: "wmHostile01", chatId: "wrHostile01", userId: "hostile01", groupId: "etHostileGroup", benefitCode: "birthday" };
// Complete bodies for a few routes where a refusal must name the very key that was replaced.
const EXAMPLES: Record<string, Record<string, unknown>> = {
  "POST /api/auth/bootstrap": { token: API_TOKEN, userId: "admin01" },
  "POST /api/auth/dev-login": { userId: "guide01" },
  "POST /api/console/orders": { channel: "tmall", orderNo: "T1", amount: 100, paidAt: "2026-01-01T00:00:00Z", member: { phone: "13800138000" } },
  "POST /api/console/members/:memberNo/points/spend": { amount: 1, requestId: "req-00000001", reason: "兑换" },
  "POST /api/console/members/merge": { from: "M00000001", into: "M00000002", reason: "同一人" },
  "POST /api/console/members/:memberNo/bindings": { externalUserId: "wmHostile01" },
};
const OPERATORS: unknown[] = [{ $gt: "" }, { $ne: null }, ["a", "b"]];

interface Answer {
  status: number;
  message: string;
}

async function send(server: TestServer, route: RouteEntry, body: string, token: string | null): Promise<Answer> {
  const response = await fetch(`${server.url}${concretePath(route.path, PARAMS)}`, {
    method: route.method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await response.text();
  let message = text;
  try {
    message = String((JSON.parse(text) as { message?: unknown }).message);
  } catch {
    // Not the API's envelope; the assertion below prints the text.
  }
  return { status: response.status, message };
}

function assertRefused(answer: Answer, what: string, asAdmin: boolean): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status} ${answer.message}`);
  if (asAdmin) {
    assert.ok(answer.status !== 401 && answer.status !== 403, `${what}: refused the admin (${answer.status} ${answer.message}) before looking at the body`);
  }
  assert.match(answer.message, NAMES_FIELD, `${what}: the message names no field`);
}

// The top-level body keys taking a single value in a route's validate() schema (validate()
// carries its schema), so a new route or field is covered without editing this file.
function scalarBodyKeys(route: RouteEntry, app: Koa): string[] {
  const keys = new Set<string>();
  for (const schema of routeSchemas(route, app)) {
    const body = unwrap((schema as { shape?: Record<string, z.ZodType> }).shape?.["body"]);
    for (const shape of objectShapes(body)) {
      for (const [key, field] of Object.entries(shape)) {
        if (!["object", "array", "record"].includes(defOf(unwrap(field)).type ?? "")) {
          keys.add(key);
        }
      }
    }
  }
  return [...keys];
}

function routeSchemas(route: RouteEntry, app: Koa): z.ZodType[] {
  const schemas: z.ZodType[] = [];
  for (const middleware of app.middleware as { router?: { stack: { path: string; methods: string[]; stack: unknown[] }[] } }[]) {
    for (const layer of middleware.router?.stack ?? []) {
      if (layer.path !== route.path || !layer.methods.includes(route.method)) {
        continue;
      }
      for (const handler of layer.stack as { schema?: z.ZodType | ((input: unknown) => z.ZodType) }[]) {
        const schema = typeof handler.schema === "function" ? handler.schema({ params: {}, query: {}, body: {} }) : handler.schema;
        if (schema) {
          schemas.push(schema);
        }
      }
    }
  }
  return schemas;
}

type Def = { type?: string; innerType?: z.ZodType; in?: z.ZodType; options?: z.ZodType[] };
const defOf = (schema: z.ZodType | undefined): Def => ((schema as { _zod?: { def: Def } } | undefined)?._zod?.def ?? {});

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current && !(current as { shape?: unknown }).shape && (defOf(current).innerType ?? defOf(current).in)) {
    current = defOf(current).innerType ?? defOf(current).in;
  }
  return current;
}

function objectShapes(schema: z.ZodType | undefined): Record<string, z.ZodType>[] {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  if (shape) {
    return [shape];
  }
  return (defOf(schema).options ?? []).flatMap((option) => objectShapes(unwrap(option)));
}

async function storedDocuments(): Promise<string[]> {
  const counts = await Promise.all(Object.values(mongoose.models).map(async (model) => [model.modelName, await model.countDocuments()] as const));
  return counts.filter(([, count]) => count > 0).map(([name, count]) => `${name}: ${count}`);
}

describe("hostile request bodies, on every route", () => {
  const app = createTestApp();
  const routes = listRoutes(app);
  const writes = routes.filter((route) => WRITES.has(route.method));

  it("should find the app's write routes and the values each takes", () => {
    assert.ok(writes.length >= 30, `only ${writes.length} write routes found`);
    const keysOf = (key: string) => scalarBodyKeys(writes.find((route) => route.key === key) as RouteEntry, app).sort();
    assert.deepEqual(keysOf("POST /api/auth/bootstrap"), ["token", "userId"]);
    assert.deepEqual(keysOf("POST /api/console/members/:memberNo/activities"), ["kind", "taskId"]);
    assert.ok(keysOf("POST /api/console/orders").includes("orderNo"), "the orders schema is read through its shape choice");
  });

  for (const route of writes) {
    describe(route.key, () => {
      let server: TestServer;
      // A fresh app per test: the login routes' rate limits count refusals per app.
      beforeEach(async () => {
        server = await listenTestServer(createTestApp());
        await resetDatabase();
      });
      afterEach(() => server.close());
      afterEach(async () => assert.deepEqual(await storedDocuments(), [], "a refused request wrote nothing"));

      const callers: [string, string | null][] = route.path.startsWith("/api/auth/") ? [["admin", API_TOKEN], ["anonymous", null]] : [["admin", API_TOKEN]];
      for (const [who, token] of callers) {
        it(`should refuse malformed JSON from ${who} with 400 naming the body`, async () => {
          const answer = await send(server, route, '{"token":"x","userId":"a",}', token);
          assertRefused(answer, "trailing comma", token !== null);
          if (route.path !== "/wecom/callback") {
            assert.deepEqual(answer, { status: 400, message: "body: 请求体不是有效的 JSON" });
          }
        });

        it(`should refuse __proto__, constructor and prototype keys from ${who} at any depth`, async () => {
          for (const body of ['{"__proto__":{"isAdmin":true},"a":1}', '{"a":[{"b":{"__proto__":{"x":1}}}]}', '{"constructor":{"prototype":{"x":1}}}', '{"a":{"constructor":1}}', '{"prototype":1}']) {
            const answer = await send(server, route, body, token);
            assertRefused(answer, body, token !== null);
            if (route.path !== "/wecom/callback") {
              assert.equal(answer.status, 400, body);
              assert.match(answer.message, /^body(\.a\[0\]\.b|\.a)?\.(__proto__|constructor|prototype): 不允许的字段$/, body);
            }
          }
        });

        it(`should refuse operators and arrays in place of values from ${who}`, async () => {
          const example = EXAMPLES[route.key];
          const keys = scalarBodyKeys(route, app);
          for (const key of keys) {
            for (const operator of OPERATORS) {
              const body = JSON.stringify({ ...example, [key]: operator });
              const answer = await send(server, route, body, token);
              assertRefused(answer, body, token !== null);
              if (example) {
                assert.match(answer.message, new RegExp(`^${key}(\\.|: )`), body);
              }
            }
          }
        });
      }
    });
  }

  describe("GET routes with operators in the query", () => {
    let server: TestServer;
    before(async () => {
      server = await listenTestServer(createTestApp());
    });
    after(() => server.close());

    for (const route of routes.filter((entry) => entry.method === "GET")) {
      it(`${route.key} should refuse or ignore them, never fail`, async () => {
        for (const query of ["status[$ne]=x&q[$gt]=&userId[$ne]=x&page[$gt]=1", "status=a&status=b&q=a&q=b&page=1&page=2&type=a&type=b"]) {
          const response = await fetch(`${server.url}${concretePath(route.path, PARAMS)}?${query}`, { headers: { authorization: `Bearer ${API_TOKEN}` }, redirect: "manual" });
          assert.ok(response.status < 500, `${query}: ${response.status} ${await response.text()}`);
        }
      });
    }
  });
});
