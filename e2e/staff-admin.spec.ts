// The admin: signs in through the form once (other specs use the fixture), sees every section, creates a
// seller and link, invites staff who set their own password, changes a role and disables (their
// session ends at once), creates and revokes API keys, reads the audit trail. Axe on every page.
import { randomBytes, randomUUID } from "node:crypto";
import { test, expect } from "./support/fixtures";
import { createStaff, dbQuery, e2eAdmin, expectSignedOut, signIn } from "./support/auth";
import { expectAccessible, expectNav, NAV } from "./support/staff-pages";
import { FORMATS } from "../lib/i18n/formats";

const tag = () => randomBytes(3).toString("hex");

test("the admin signs in through the form and sees every section", async ({ page, keep }) => {
  await page.goto("/admin/staff");
  await expect(page).toHaveURL(/\/admin\/sign-in\?callbackUrl=%2Fadmin%2Fstaff/);
  await expect(page.getByRole("heading", { level: 1, name: "Staff sign-in" })).toBeVisible();
  await expectAccessible(page);
  const admin = e2eAdmin();
  await page.getByLabel("E-mail").fill(admin.email);
  await page.getByLabel("Password").fill(`${admin.password}-wrong`);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/staff$/);
  await expectNav(page, NAV);
  for (const path of ["/admin/sellers", "/admin/staff", "/admin/api-keys", "/admin/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page);
  }
  await keep("staff-admin-sections");
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/admin\/sign-in/);
  await expectSignedOut(page);
});

test("the admin creates a seller with a link shown once, copies it, and revokes it", async ({
  page,
  context,
  keep,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, e2eAdmin());
  await page.goto("/admin/sellers");
  const name = `Saffron ${tag()} Traders`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("E-mail (optional)").fill("owner@saffron.test");
  await page.getByRole("button", { name: "Create seller and link" }).click();
  await expect(page.getByText(`Seller ${name} created.`)).toBeVisible();
  const url = (await page.locator("code").filter({ hasText: "/onboard/" }).first().textContent()) ?? "";
  expect(url).toMatch(/\/onboard\/[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: "Copy" }).first().click();
  await expect(page.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expectAccessible(page);

  // The seller's onboarding page opens with that link.
  expect((await page.request.get(url)).status()).toBe(200);

  await page.getByRole("button", { name: "Revoke this link" }).click();
  await expect(page.getByText("Link revoked.")).toBeVisible();
  const [seller] = await dbQuery<{ id: string }>("SELECT id FROM sellers WHERE name = $1", [name]);
  const links = await dbQuery<{ revoked_at: Date | null }>(
    "SELECT revoked_at FROM onboarding_links WHERE seller_id = $1",
    [seller?.id],
  );
  expect(links).toHaveLength(1);
  expect(links[0]?.revoked_at).not.toBeNull();
  const audit = await dbQuery<{ action: string; actor_label: string }>(
    "SELECT action, actor_label FROM audit_events WHERE target_id = $1 ORDER BY id",
    [seller?.id],
  );
  expect(audit).toEqual([
    { action: "seller.created", actor_label: "admin@e2e.test" },
    { action: "link.issued", actor_label: "admin@e2e.test" },
    { action: "link.revoked", actor_label: "admin@e2e.test" },
  ]);

  // Shown once: after a reload the page no longer holds the link.
  await page.reload();
  await page.getByLabel("Search sellers").fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("link", { name })).toBeVisible();
  expect(await page.content()).not.toContain(url);
  await keep("staff-admin-sellers");
});

test("an invited member sets their password; a role change and a disable end their session at once", async ({
  page,
  browser,
  keep,
}) => {
  test.slow();
  await signIn(page, e2eAdmin());
  await page.goto("/admin/staff");
  const email = `invitee-${tag()}@e2e.test`;
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("OPERATIONS");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByText(`${email} invited.`)).toBeVisible();
  const link = (await page.locator("code").filter({ hasText: "/set-password#token=" }).textContent()) ?? "";
  expect(link).toContain("/admin/sign-in/set-password#token=");
  await expectAccessible(page);

  const member = await browser.newContext();
  const memberPage = await member.newPage();
  await memberPage.goto(link);
  await expectAccessible(memberPage);
  const password = randomBytes(12).toString("base64url");
  await memberPage.getByLabel("New password").fill(password);
  await memberPage.getByLabel("Repeat the password").fill(password);
  await memberPage.getByRole("button", { name: "Set password" }).click();
  await expect(memberPage.getByText("Your password is set")).toBeVisible();
  // The link works once.
  await memberPage.goto(link);
  await memberPage.getByLabel("New password").fill(`${password}x`);
  await memberPage.getByLabel("Repeat the password").fill(`${password}x`);
  await memberPage.getByRole("button", { name: "Set password" }).click();
  await expect(memberPage.getByRole("alert").filter({ hasText: "no longer valid" })).toBeVisible();

  await signIn(memberPage, { email, password });
  await memberPage.goto("/admin/sellers");
  await expectNav(memberPage, ["Sellers", "Requests", "Connections"]);

  // Role change → their next request is signed out.
  await page.reload();
  await page.getByLabel(`Role of ${email}`).selectOption("SUPPORT");
  await page.getByRole("button", { name: `Change role of ${email}` }).click();
  await expect(page.getByText("Role changed")).toBeVisible();
  await expectSignedOut(memberPage);

  await signIn(memberPage, { email, password });
  await memberPage.goto("/admin/sellers");
  await expect(memberPage.getByRole("button", { name: "Create seller and link" })).toHaveCount(0);

  // Disable → signed out at once, and the password no longer works.
  await page.reload();
  await page.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(page.getByText("Disabled; their sessions have ended.")).toBeVisible();
  await expectSignedOut(memberPage);
  const csrf = (await (await memberPage.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const again = await memberPage.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, email, password },
    maxRedirects: 0,
  });
  expect(again.headers().location).toContain("error=");
  await member.close();

  const [row] = await dbQuery<{ id: string }>("SELECT id FROM staff_users WHERE email = $1", [email]);
  await page.goto(`/admin/audit?target=${row?.id}`);
  for (const action of ["staff.invited", "staff.password_set", "staff.role_changed", "staff.disabled"]) {
    await expect(page.getByRole("cell", { name: action, exact: true })).toBeVisible();
  }
  await expectAccessible(page);
  await keep("staff-admin-staff");
});

test("API keys are shown once, work with their scope, and stop working when revoked", async ({
  page,
  request,
  keep,
}) => {
  await signIn(page, e2eAdmin());
  await page.goto("/admin/api-keys");
  const name = `marketplace-${tag()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/onboarding-links/).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key =
    (await page
      .locator("code")
      .filter({ hasText: /^sok_[A-Za-z0-9_-]{43}$/ })
      .textContent()) ?? "";
  expect(key).toMatch(/^sok_[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page);

  const created = await request.post("/api/v1/onboarding-links", {
    headers: { authorization: `Bearer ${key}` },
    data: { name: `API seller ${tag()}`, externalId: `ext-${tag()}` },
  });
  expect(created.status()).toBe(201);
  const body = (await created.json()) as { url: string; expiresAt: string };
  expect(body.url).toMatch(/\/onboard\/[A-Za-z0-9_-]{43}$/);

  await page.reload();
  expect(await page.content()).not.toContain(key);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row.getByRole("cell").nth(5)).toHaveText("1");
  await row.getByRole("button", { name: /Revoke/ }).click();
  await expect(row.getByText(/^Revoked/)).toBeVisible();
  expect(
    (
      await request.post("/api/v1/onboarding-links", {
        headers: { authorization: `Bearer ${key}` },
        data: { name: "x" },
      })
    ).status(),
  ).toBe(401);

  await page.goto(`/admin/audit?action=api_key.`);
  await expect(page.getByRole("cell", { name: "api_key.created", exact: true }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "api_key.revoked", exact: true }).first()).toBeVisible();
  await keep("staff-admin-api-keys");
});

test("an API key with sellers:read, limited to one connection and with an expiry, is listed with both and reads sellers", async ({
  page,
  request,
  keep,
}) => {
  const connection = `Matrix Noyo ${tag()}`;
  const [row0] = await dbQuery<{ id: string }>(
    `INSERT INTO connections (id, name, provider, environment, token_url, client_id, created_by, updated_at) VALUES (gen_random_uuid(), $1, 'NOYO', 'SANDBOX', 'http://127.0.0.1:9/token', 'e2e-client', 'e2e', now()) RETURNING id`,
    [connection],
  );
  await signIn(page, e2eAdmin());
  await page.goto("/admin/api-keys");
  const name = `backend-sync-${tag()}`;
  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("checkbox", { name: /sellers:read/ }).check();
  await page.getByRole("checkbox", { name: /^connection-tokens/ }).check();
  await page.getByLabel("Valid through (optional)").fill(day);
  await page.getByRole("checkbox", { name: new RegExp(`^${connection}`) }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key =
    (await page
      .locator("code")
      .filter({ hasText: /^sok_[A-Za-z0-9_-]{43}$/ })
      .textContent()) ?? "";
  expect(key).toMatch(/^sok_[A-Za-z0-9_-]{43}$/);

  await page.reload();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByRole("cell").nth(2)).toHaveText(connection);
  // The dashboard's date format (lib/i18n/formats.ts "dateTimeZone", English: en-GB).
  const endOfDay = new Intl.DateTimeFormat("en-GB", { ...FORMATS.dateTime.dateTimeZone, timeZone: "UTC" }).format(
    new Date(`${day}T23:59:00Z`),
  );
  await expect(row.getByRole("cell").nth(3)).toHaveText(endOfDay);
  await expectAccessible(page);
  const [stored] = await dbQuery<{ expires_at: Date; connection_ids: string[] }>(
    `SELECT expires_at, connection_ids FROM api_keys WHERE name = $1`,
    [name],
  );
  expect(stored?.expires_at.toISOString()).toBe(`${day}T23:59:59.999Z`);
  expect(stored?.connection_ids).toEqual([row0?.id]);

  const sellers = await request.get("/api/v1/sellers?limit=2", { headers: { authorization: `Bearer ${key}` } });
  expect(sellers.status()).toBe(200);
  expect(await sellers.json()).toMatchObject({
    data: expect.any(Array),
    nextCursor: expect.any(String),
    hasMore: expect.any(Boolean),
  });
  const other = await request.get(`/api/v1/connections/${randomUUID()}/token`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(other.status()).toBe(403);
  expect(((await other.json()) as { error: { message: string } }).error.message).toMatch(
    /limited to named connections/,
  );
  const doc = await request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  expect(await doc.json()).toMatchObject({
    openapi: "3.1.0",
    paths: { "/api/v1/sellers": { get: expect.anything() } },
  });
  await keep("staff-admin-api-key-limits");
});

test("every response carries the security headers, and nonced scripts run under the CSP", async ({ page, request }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  for (const path of ["/admin/sign-in", "/api/health", "/"]) {
    const response = await request.get(path);
    const h = response.headers();
    const csp = h["content-security-policy"] ?? "";
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    // npm run e2e serves a production build; HSTS is only sent in production.
    if (process.env.E2E_DEV_SERVER !== "1") expect(h["strict-transport-security"], path).toContain("max-age=");
  }
  const first = (await request.get("/admin/sign-in")).headers()["content-security-policy"];
  const second = (await request.get("/admin/sign-in")).headers()["content-security-policy"];
  expect(first).not.toBe(second);

  await signIn(page, e2eAdmin());
  await page.goto("/admin/sellers");
  expect(await page.locator("script[nonce]").count()).toBeGreaterThan(0);
  // Hydration works under the CSP: a client-side form shows its result without a reload.
  await page.getByLabel("Name", { exact: true }).fill(`CSP ${tag()}`);
  await page.getByRole("button", { name: "Create seller and link" }).click();
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("five wrong passwords lock the account: then even the right one is refused, and it is audited", async ({
  page,
  keep,
}) => {
  const victim = await createStaff("OPERATIONS", "lockout");
  for (let i = 0; i < 5; i++) {
    const csrf = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await page.request.post("/api/auth/callback/credentials", {
      form: { csrfToken: csrf.csrfToken, email: victim.email, password: `wrong-${i}` },
      maxRedirects: 0,
    });
    expect(response.headers().location).toContain("error=");
  }
  await page.goto("/admin/sign-in");
  await page.getByLabel("E-mail").fill(victim.email);
  await page.getByLabel("Password").fill(victim.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "locked" })).toBeVisible();
  const audit = await dbQuery<{ outcome: string }>(
    "SELECT outcome FROM audit_events WHERE action = 'staff.sign_in' AND actor_label = $1 ORDER BY id",
    [victim.email],
  );
  expect(audit.map((a) => a.outcome)).toEqual(["failure", "failure", "failure", "failure", "failure", "denied"]);
  await keep("staff-admin-lockout");
});
