// Operations: sellers, links and connections; no staff, API keys or audit (the 403 page, not a crash).
import { randomBytes } from "node:crypto";
import { test, expect } from "./support/fixtures";
import { createStaff, dbQuery, signIn } from "./support/auth";
import { expectAccessible, expectForbidden, expectNav } from "./support/staff-pages";

test("operations sees sellers, requests and connections, and is refused staff, API keys and audit", async ({
  page,
  keep,
}) => {
  const ops = await createStaff("OPERATIONS", "ops");
  await signIn(page, ops);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/sellers$/);
  await expectNav(page, ["Sellers", "Requests", "Connections"]);
  await expectAccessible(page);
  for (const path of ["/admin/staff", "/admin/api-keys", "/admin/audit"]) {
    await expectForbidden(page, path);
    await expectAccessible(page);
  }
  await keep("staff-operations-forbidden");
});

test("operations creates a seller and link, issues a second link from the list, and revokes it", async ({
  page,
  keep,
}) => {
  const ops = await createStaff("OPERATIONS", "ops");
  await signIn(page, ops);
  await page.goto("/admin/sellers");
  const name = `Cardamom ${randomBytes(3).toString("hex")} Co`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("External id (optional)").fill(`mkt-${randomBytes(4).toString("hex")}`);
  await page.getByRole("button", { name: "Create seller and link" }).click();
  await expect(page.getByText(`Seller ${name} created.`)).toBeVisible();

  await page.reload();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByText("Link sent")).toBeVisible();
  await row.getByRole("button", { name: `New link for ${name}` }).click();
  await expect(row.getByText("Onboarding link")).toBeVisible();
  await row.getByRole("button", { name: "Revoke this link" }).click();
  await expect(row.getByText("Link revoked.")).toBeVisible();
  await expectAccessible(page);

  const links = await dbQuery<{ revoked_by: string | null }>(
    "SELECT l.revoked_by FROM onboarding_links l JOIN sellers s ON s.id = l.seller_id WHERE s.name = $1 ORDER BY l.created_at",
    [name],
  );
  expect(links.map((l) => l.revoked_by)).toEqual([null, `staff:${ops.id}`]);
  await keep("staff-operations-sellers");
});

test("a phone-sized screen keeps the sellers page usable", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, await createStaff("OPERATIONS", "ops-phone"));
  await page.goto("/admin/sellers");
  await expect(page.getByRole("button", { name: "Create seller and link" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page);
});
