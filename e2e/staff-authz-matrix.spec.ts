// The authorization matrix (tests/authz/matrix.ts) against the real server: every admin page, every
// server action (called the way the browser calls it, by its id from Next's build manifest) and every
// staff and /api/v1 route, as anonymous, support, operations, admin and with an API key of each scope.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { test, expect } from "./support/fixtures";
import { createStaff, dbQuery, e2eAdmin, signInWith } from "./support/auth";
import {
  ACTIONS,
  KEY_CALLERS,
  PAGES,
  ROUTES,
  STAFF_CALLERS,
  type Caller,
  type Outcome,
  type StaffCaller,
} from "../tests/authz/matrix";

const baseURL = `http://localhost:${process.env.E2E_PORT ?? 3100}`;
const contexts = new Map<Caller, APIRequestContext>();
const apiKeys = new Map<Caller, string>();
const seeds: Record<string, string> = {};

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename?: string;
  exportedName?: string;
}

function actionIds(): Map<string, { id: string; page: string }> {
  const manifest = JSON.parse(
    readFileSync(
      process.env.E2E_ACTION_MANIFEST ?? path.join(process.cwd(), ".next/server/server-reference-manifest.json"),
      "utf8",
    ),
  ) as { node: Record<string, ManifestEntry> };
  const ids = new Map<string, { id: string; page: string }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (!entry.filename || !entry.exportedName) continue;
    const workers = Object.keys(entry.workers).map((w) => w.replace(/^app/, "").replace(/\/page$/, "") || "/");
    const page = workers.find((w) => !w.includes("[") && w !== "/admin") ?? workers[0] ?? "/admin";
    ids.set(`${entry.filename}#${entry.exportedName}`, { id, page: page.replace(/\[[^\]]+\]/g, randomUUID()) });
  }
  return ids;
}

const fill = (text: string) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === "random" ? randomBytes(4).toString("hex") : (seeds[name] ?? `missing-${name}`),
  );

function classify(response: APIResponse, body: string): Outcome | `error ${number}` {
  const status = response.status();
  const location = response.headers()["location"] ?? response.headers()["x-action-redirect"] ?? "";
  if (status >= 300 && status < 400 && location.includes("/admin/sign-in")) return "signin";
  if (status === 401 || /"code":"UNAUTHENTICATED"/.test(body)) return "unauthenticated";
  if (status === 403 || /"code":"FORBIDDEN"/.test(body)) return "forbidden";
  if (status >= 500) return `error ${status}`;
  return "allow";
}

test.beforeAll(async () => {
  const [seller] = await dbQuery<{ id: string }>(
    `INSERT INTO sellers (id, name, created_at, updated_at) VALUES (gen_random_uuid(), $1, now(), now()) RETURNING id`,
    [`Matrix ${randomBytes(3).toString("hex")}`],
  );
  seeds.sellerId = seller?.id ?? "";
  seeds.run = randomBytes(4).toString("hex");
  const [link] = await dbQuery<{ id: string }>(
    `INSERT INTO onboarding_links (id, seller_id, token_hash, expires_at, created_by, created_at) VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day', 'cli', now()) RETURNING id`,
    [seeds.sellerId, createHash("sha256").update(randomBytes(32)).digest("hex")],
  );
  seeds.linkId = link?.id ?? "";
  seeds.staffId = (await createStaff("SUPPORT", "matrix-victim")).id;
  seeds.connectionId = randomUUID();
  seeds.requestId = randomUUID();
  seeds.reference = "NA-00000000";
  seeds.apiKeyId = randomUUID();
  seeds.webhookId = randomUUID();
  seeds.deliveryId = randomUUID();

  for (const caller of KEY_CALLERS) {
    const scope = caller.slice("key:".length);
    const key = `sok_${randomBytes(32).toString("base64url")}`;
    await dbQuery(
      `INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_by, created_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, 'e2e', now())`,
      [`matrix ${scope}`, key.slice(0, 12), createHash("sha256").update(key).digest("hex"), [scope]],
    );
    apiKeys.set(caller, key);
  }
  const people: Record<Exclude<StaffCaller, "anonymous">, { email: string; password: string }> = {
    admin: e2eAdmin(),
    operations: await createStaff("OPERATIONS", "matrix-ops"),
    support: await createStaff("SUPPORT", "matrix-support"),
  };
  for (const caller of [...STAFF_CALLERS, ...KEY_CALLERS]) {
    const context = await playwrightRequest.newContext({ baseURL });
    if (caller !== "anonymous" && !caller.startsWith("key:"))
      await signInWith(context, people[caller as Exclude<StaffCaller, "anonymous">]);
    contexts.set(caller, context);
  }
});

test.afterAll(async () => {
  for (const context of contexts.values()) await context.dispose();
});

test("every admin page answers each role as the matrix says", async () => {
  const failures: string[] = [];
  for (const page of PAGES) {
    for (const caller of STAFF_CALLERS) {
      const context = contexts.get(caller);
      if (!context) throw new Error(`no context for ${caller}`);
      const response = await context.get(fill(page.path), { maxRedirects: 0 });
      const got = classify(response, await response.text());
      if (got !== page.expect[caller])
        failures.push(`${page.path} as ${caller}: expected ${page.expect[caller]}, got ${got} (${response.status()})`);
    }
  }
  expect(failures).toEqual([]);
});

test("every staff and /api/v1 route answers each caller as the matrix says", async () => {
  const failures: string[] = [];
  for (const route of ROUTES) {
    for (const caller of [...STAFF_CALLERS, ...KEY_CALLERS]) {
      const context = contexts.get(caller);
      if (!context) throw new Error(`no context for ${caller}`);
      const key = apiKeys.get(caller);
      const response = await context.fetch(fill(route.path), {
        method: route.method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), origin: baseURL },
        ...(route.json ? { data: JSON.parse(fill(JSON.stringify(route.json))) as unknown } : {}),
        maxRedirects: 0,
      });
      const got = classify(response, await response.text());
      if (got !== route.expect[caller])
        failures.push(
          `${route.method} ${route.path} as ${caller}: expected ${route.expect[caller]}, got ${got} (${response.status()})`,
        );
    }
  }
  expect(failures).toEqual([]);
});

test("every server action answers each role as the matrix says", async () => {
  const ids = actionIds();
  const failures: string[] = [];
  for (const action of ACTIONS) {
    const target = ids.get(`${action.file}#${action.name}`);
    if (!target) {
      failures.push(`${action.file}#${action.name} is not in the build's action manifest`);
      continue;
    }
    for (const caller of STAFF_CALLERS) {
      const context = contexts.get(caller);
      if (!context) throw new Error(`no context for ${caller}`);
      const headers = { "next-action": target.id, accept: "text/x-component", origin: baseURL };
      // React's reply encoding: the FormData's entries as "_1_<name>", then part "0" with the arguments
      // ("$K1" refers to that FormData). The server reads the parts in order, so "0" must come last.
      const form = new FormData();
      for (const [name, value] of Object.entries(action.fields ?? {})) form.append(`_1_${name}`, fill(value));
      form.append("0", JSON.stringify([action.initialState ?? null, "$K1"]));
      const response = await context.post(target.page, { headers, multipart: form, maxRedirects: 0 });
      const text = await response.text();
      const got = classify(response, text);
      if (got !== action.expect[caller])
        failures.push(
          `${action.name} as ${caller}: expected ${action.expect[caller]}, got ${got} (${response.status()})`,
        );
    }
  }
  expect(failures).toEqual([]);
  // "allow" really means the action ran: the sellers created by operations and admin exist.
  const created = await dbQuery<{ actor: string }>(
    `SELECT actor_label AS actor FROM audit_events WHERE action = 'seller.created' AND details->>'name' LIKE $1 ORDER BY id`,
    [`Matrix Seller ${seeds.run} %`],
  );
  expect(created.map((c) => c.actor)).toEqual([expect.stringMatching(/^matrix-ops-/), "admin@e2e.test"]);
});
