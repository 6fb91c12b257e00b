// Support reads sellers, requests and connections, changes nothing, never sees a secret, and is refused
// staff, API keys and audit with the 403 page.
import { randomBytes } from "node:crypto";
import { test, expect } from "./support/fixtures";
import { createStaff, dbQuery, signIn } from "./support/auth";
import { expectAccessible, expectForbidden, expectNav } from "./support/staff-pages";

test("support reads the sellers list without any control that changes something", async ({ page, keep }) => {
  const name = `Oud ${randomBytes(3).toString("hex")} House`;
  await dbQuery("INSERT INTO sellers (id, name, created_at, updated_at) VALUES (gen_random_uuid(), $1, now(), now())", [
    name,
  ]);
  const support = await createStaff("SUPPORT", "support");
  await signIn(page, support);
  await page.goto("/admin/sellers");
  await expectNav(page, ["Sellers", "Requests", "Connections"]);
  await page.getByLabel("Search sellers").fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=Oud/);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create seller and link" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /New link/ })).toHaveCount(0);
  await expectAccessible(page);
  await keep("staff-support-sellers");
});

test("support is refused staff, API keys, audit and new connections with the 403 page", async ({ page, keep }) => {
  await signIn(page, await createStaff("SUPPORT", "support"));
  for (const path of ["/admin/staff", "/admin/api-keys", "/admin/audit", "/admin/connections/new"]) {
    await expectForbidden(page, path);
  }
  await expectAccessible(page);
  await keep("staff-support-forbidden");
});
