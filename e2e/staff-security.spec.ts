// Staff sign-in security against `next start`: signing out ends the session on the server (a copied
// cookie stops working), and single sign-on against a real OpenID provider (e2e/support/oidc-provider.ts):
// a verified e-mail gets in, an unverified one is refused with a clear page, and a changed e-mail with the
// same subject is still the same staff member. The bootstrap admin's forced password change runs in
// e2e/support/global-setup.ts before every run.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { test, expect } from "./support/fixtures";
import { createStaff, dbQuery, signIn, signInWith } from "./support/auth";
import { OIDC_ACCOUNTS_PATH } from "./support/oidc-provider";

const issuer = () => {
  const url = process.env.E2E_OIDC_ISSUER;
  if (!url) throw new Error("E2E_OIDC_ISSUER is not set: run the specs through `npm run e2e`");
  return url;
};

async function setAccount(account: { sub: string; email: string; email_verified: boolean }) {
  const response = await fetch(`${issuer()}${OIDC_ACCOUNTS_PATH}`, { method: "POST", body: JSON.stringify(account) });
  expect(response.status).toBe(204);
}

/** The SSO button, then the provider's own login form (any login names the account). */
async function signInWithSso(page: Page, sub: string) {
  await page.goto("/admin/sign-in");
  await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer()));
  await page.locator('input[name="login"]').fill(sub);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

test("signing out ends the session on the server: a copy of the cookie no longer works", async ({ page, context }) => {
  const member = await createStaff("OPERATIONS", "signout");
  await signIn(page, member);
  await page.goto("/admin/sellers");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const copied = await context.cookies();
  expect(copied.some((c) => c.name.includes("authjs.session-token"))).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).filter({ visible: true }).click();
  await expect(page).toHaveURL(/\/admin\/sign-in/);
  const [revoked] = await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM revoked_sessions WHERE staff_id = $1`, [
    member.id,
  ]);
  expect(Number(revoked?.n)).toBe(1);

  // Put the old cookie back, as someone who copied it would: the server refuses it.
  await context.addCookies(copied);
  await page.goto("/admin/sellers");
  await expect(page).toHaveURL(/\/admin\/sign-in/);
});

test("the audit trail records the connecting address, not an X-Forwarded-For the client wrote", async ({
  playwright,
}) => {
  const member = await createStaff("SUPPORT", "forwarded");
  const context = await playwright.request.newContext({
    baseURL: `http://localhost:${process.env.E2E_PORT ?? 3100}`,
    extraHTTPHeaders: { "x-forwarded-for": "6.6.6.6" },
  });
  try {
    await signInWith(context, member);
  } finally {
    await context.dispose();
  }
  const rows = await dbQuery<{ ip: string }>(
    `SELECT ip FROM audit_events WHERE action = 'staff.sign_in' AND actor_label = $1`,
    [member.email],
  );
  expect(rows.map((r) => r.ip)).toEqual([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]);
});

test.describe("single sign-on against a real OpenID provider", () => {
  test.describe.configure({ mode: "serial" });
  const sub = `e2e-${randomBytes(6).toString("hex")}`;
  const firstEmail = `sso-${randomBytes(4).toString("hex")}@sso.e2e.test`;

  test("a verified e-mail signs in and binds the member to (issuer, subject)", async ({ page, keep }) => {
    await setAccount({ sub, email: firstEmail, email_verified: true });
    await signInWithSso(page, sub);
    await expect(page).toHaveURL(/\/admin(\/sellers)?$/);
    await expect(page.getByText(firstEmail).first()).toBeVisible();
    await keep("sso-verified");
    const rows = await dbQuery<{ id: string; role: string; sso_subject: string; sso_issuer: string }>(
      `SELECT id, role, sso_subject, sso_issuer FROM staff_users WHERE email = $1`,
      [firstEmail],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        role: "OPERATIONS",
        sso_subject: sub,
        sso_issuer: expect.stringContaining("127.0.0.1"),
      }),
    ]);
  });

  test("an unverified e-mail is refused with a page that says why", async ({ page, keep }) => {
    const other = `e2e-unverified-${randomBytes(6).toString("hex")}`;
    const email = `unverified-${randomBytes(4).toString("hex")}@sso.e2e.test`;
    await setAccount({ sub: other, email, email_verified: false });
    await signInWithSso(page, other);
    await expect(page).toHaveURL(/\/admin\/sign-in\?error=sso_email_not_verified/);
    await expect(page.getByText("Your identity provider has not verified your e-mail address.")).toBeVisible();
    await keep("sso-unverified");
    expect(await dbQuery(`SELECT id FROM staff_users WHERE email = $1`, [email])).toEqual([]);
    await page.goto("/admin/sellers");
    await expect(page).toHaveURL(/\/admin\/sign-in/);
  });

  test("a changed e-mail with the same subject is still the same staff member", async ({ page }) => {
    const [before] = await dbQuery<{ id: string }>(`SELECT id FROM staff_users WHERE sso_subject = $1`, [sub]);
    expect(before?.id).toBeTruthy();
    const renamed = `renamed-${randomBytes(4).toString("hex")}@sso.e2e.test`;
    await setAccount({ sub, email: renamed, email_verified: true });
    await signInWithSso(page, sub);
    await expect(page).toHaveURL(/\/admin(\/sellers)?$/);
    await expect(page.getByText(renamed).first()).toBeVisible();
    const after = await dbQuery<{ id: string; email: string }>(
      `SELECT id, email FROM staff_users WHERE sso_subject = $1`,
      [sub],
    );
    expect(after).toEqual([{ id: before?.id, email: renamed }]);
    expect(await dbQuery(`SELECT id FROM staff_users WHERE email = $1`, [firstEmail])).toEqual([]);
  });
});
