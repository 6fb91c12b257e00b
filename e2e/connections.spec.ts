// Connections end to end: operations create a Noyo connection against the simulator, test it, rotate
// its secret and disable it; support sees health only and can change nothing; no page shows the secret.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { createStaff, dbQuery as query, signIn as signInContext, type StaffCredentials } from "./support/auth";
import { expect, keepPage, test } from "./support/fixtures";

const noyoSim = process.env.E2E_NOYO_SIM_URL ?? "";
const databaseUrl = process.env.DATABASE_URL ?? "";

async function signIn(browser: Browser, who: StaffCredentials): Promise<Page> {
  const context = await browser.newContext();
  await signInContext(context, who);
  const page = await context.newPage();
  await page.goto("/admin/connections");
  await expect(page).toHaveURL(/\/admin\/connections/);
  return page;
}

async function expectAccessible(page: Page) {
  const axe = await new AxeBuilder({ page }).include("main").withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** An internal service's API key with the connection-tokens scope (stored hashed, like the app does). */
async function connectionTokensKey(): Promise<string> {
  const key = `sok_${randomBytes(32).toString("base64url")}`;
  await query(
    "INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_by) VALUES (gen_random_uuid(), $1, $2, $3, $4, 'e2e')",
    [
      `e2e ${randomUUID().slice(0, 6)}`,
      key.slice(0, 14),
      createHash("sha256").update(key, "utf8").digest("hex"),
      ["connection-tokens"],
    ],
  );
  return key;
}

async function simClient(clientId: string, clientSecret: string) {
  const res = await fetch(`${noyoSim}/__sim/clients`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  expect(res.status).toBe(200);
}

test.describe.configure({ mode: "serial" });

test("operations create, test, rotate and disable a Noyo connection; support reads health only", async ({
  browser,
}) => {
  test.skip(!noyoSim || !databaseUrl, "needs E2E_NOYO_SIM_URL and DATABASE_URL (npm run e2e)");
  // One long story (two staff members, a dozen server round trips, three accessibility scans).
  test.setTimeout(180_000);
  const operations = await createStaff("OPERATIONS");
  const support = await createStaff("SUPPORT");
  const clientId = `e2e-noyo-${randomUUID().slice(0, 8)}`;
  const firstSecret = `noyo-first-${randomBytes(12).toString("hex")}`;
  const secondSecret = `noyo-second-${randomBytes(12).toString("hex")}`;
  const secrets = [firstSecret, secondSecret];
  const name = `Noyo sandbox ${randomUUID().slice(0, 6)}`;
  await simClient(clientId, firstSecret);

  const ops = await signIn(browser, operations);
  const pages: string[] = [];
  const keep = async (page: Page, label: string) => {
    await keepPage(page, `connections-${label}`);
    pages.push(await page.content());
  };

  // Create
  await ops.goto("/admin/connections/new");
  await expectAccessible(ops);
  await ops.getByLabel("Provider").selectOption("NOYO");
  await ops.getByLabel("Environment").selectOption("SANDBOX");
  await ops.getByLabel("Name").fill(name);
  await ops.getByLabel("Client id").fill(clientId);
  await ops.getByLabel("Client secret").fill(firstSecret);
  await ops.getByLabel("Token URL").fill(`${noyoSim}/auth/public/token`);
  await ops.getByLabel("API base URL").fill(noyoSim);
  await ops.getByRole("button", { name: "Create connection" }).click();
  await expect(ops.getByRole("status").filter({ hasText: "Connection created." })).toBeVisible();
  await expect(ops.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(ops.getByText(/Set \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC by /)).toBeVisible();
  await keep(ops, "created");
  const connectionId = ops.url().split("/admin/connections/")[1]?.split("?")[0] ?? "";
  expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);
  const [created] = await query<{ secret_name: string; token_url: string; api_base_url: string }>(
    "SELECT secret_name, token_url, api_base_url FROM connections WHERE id = $1",
    [connectionId],
  );
  expect(created?.secret_name).toContain(`connections/${connectionId}`);
  expect(created?.api_base_url).toBe(noyoSim);

  // Test
  await ops.getByRole("button", { name: "Test connection" }).click();
  await expect(ops.getByRole("status").filter({ hasText: /Connection works \([\d,]+ ms\)/ })).toBeVisible();
  await expect(ops.getByRole("list", { name: "Test steps" })).toContainText("GET /api/v1/groups: OK (HTTP 200)");
  await keep(ops, "tested");

  await expectAccessible(ops);

  // Internal services get the token through the API, never cached by anyone on the way.
  const apiKey = await connectionTokensKey();
  const tokenUrl = `/api/v1/connections/${connectionId}/token`;
  const issued = await ops.request.get(tokenUrl, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(issued.status()).toBe(200);
  expect(issued.headers()["cache-control"]).toBe("no-store");
  const body = (await issued.json()) as { accessToken: string; tokenType: string; expiresAt: string };
  expect(body.tokenType).toBe("Bearer");
  expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  expect((await ops.request.get(tokenUrl)).status()).toBe(401);

  // Rotate: the provider issues a new secret (the old one stops working there).
  await simClient(clientId, secondSecret);
  await ops.getByLabel("New client secret").fill(`wrong-${randomBytes(8).toString("hex")}`);
  await ops.getByRole("button", { name: "Rotate secret" }).click();
  await expect(
    ops.getByRole("alert").filter({
      hasText: /The new secret was not accepted, so nothing was changed: Noyo rejected the credentials \(401, code 16/,
    }),
  ).toBeVisible();
  await keep(ops, "rotation-refused");
  const [unchanged] = await query<{ previous_secret_version_id: string | null }>(
    "SELECT previous_secret_version_id FROM connections WHERE id = $1",
    [connectionId],
  );
  expect(unchanged?.previous_secret_version_id).toBeNull();

  await ops.getByLabel("New client secret").fill(secondSecret);
  await ops.getByRole("button", { name: "Rotate secret" }).click();
  await expect(ops.getByRole("status").filter({ hasText: /The new secret works/ })).toBeVisible();
  await keep(ops, "rotated");
  const [rotated] = await query<{ secret_version_id: string; previous_secret_version_id: string | null }>(
    "SELECT secret_version_id, previous_secret_version_id FROM connections WHERE id = $1",
    [connectionId],
  );
  expect(rotated?.previous_secret_version_id).toBeTruthy();
  expect(rotated?.previous_secret_version_id).not.toBe(rotated?.secret_version_id);
  const audits = await query<{ action: string; outcome: string }>(
    "SELECT action, outcome FROM audit_events WHERE target_id = $1 ORDER BY id",
    [connectionId],
  );
  expect(audits.map((a) => a.action)).toEqual(
    expect.arrayContaining([
      "connection.created",
      "connection.tested",
      "connection.rotation_failed",
      "connection.rotated",
    ]),
  );

  // The rotated secret works for a fresh test too.
  await ops.reload();
  await ops.getByRole("button", { name: "Test connection" }).click();
  await expect(ops.getByRole("status").filter({ hasText: /Connection works/ })).toBeVisible();

  // Disable
  await ops.getByRole("button", { name: "Disable connection" }).click();
  await expect(
    ops.getByRole("status").filter({ hasText: "Disabled: no tokens are handed out until it is enabled again." }),
  ).toBeVisible();
  await ops.reload();
  await expect(ops.getByRole("button", { name: "Enable connection" })).toBeVisible();
  await keep(ops, "disabled");
  const [disabled] = await query<{ disabled_at: Date | null }>("SELECT disabled_at FROM connections WHERE id = $1", [
    connectionId,
  ]);
  expect(disabled?.disabled_at).not.toBeNull();
  expect((await ops.request.get(tokenUrl, { headers: { authorization: `Bearer ${apiKey}` } })).status()).toBe(409);
  // Usage is counted in process and written within a second (lib/api-keys/usage.ts).
  const calls = async () =>
    (
      await query<{ calls: number }>(
        "SELECT sum(count)::int AS calls FROM api_key_usage u JOIN api_keys k ON k.id = u.api_key_id WHERE k.prefix = $1",
        [apiKey.slice(0, 14)],
      )
    )[0]?.calls;
  await expect.poll(calls, { timeout: 10_000 }).toBe(2);

  // Support: health and history, nothing to change.
  const sup = await signIn(browser, support);
  await sup.goto("/admin/connections");
  await expect(sup.getByRole("link", { name })).toBeVisible();
  await expect(sup.getByRole("link", { name: "New connection" })).toHaveCount(0);
  await keep(sup, "support-list");
  await sup.getByRole("link", { name }).click();
  await expect(sup.getByRole("heading", { name: "Health" })).toBeVisible();
  await expect(sup.getByRole("heading", { name: "History" })).toBeVisible();
  for (const button of [
    "Test connection",
    "Rotate secret",
    "Disable connection",
    "Enable connection",
    "Delete connection",
    "Save settings",
  ]) {
    await expect(sup.getByRole("button", { name: button })).toHaveCount(0);
  }
  await keep(sup, "support-detail");
  await expectAccessible(sup);
  const forbidden = await sup.goto("/admin/connections/new");
  expect(forbidden?.status()).toBe(403);

  // No page showed either secret.
  for (const html of pages) for (const secret of secrets) expect(html.includes(secret)).toBe(false);
});
