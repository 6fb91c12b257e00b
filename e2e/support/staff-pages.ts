// Shared steps of the staff specs: accessibility checks and the dashboard's navigation.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";

export async function expectAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

export const NAV = ["Sellers", "Requests", "Connections", "Staff", "API keys", "Webhooks", "Audit"] as const;

/** The dashboard navigation shows exactly `visible`, in order. */
export async function expectNav(page: Page, visible: readonly string[]) {
  const nav = page.getByRole("navigation", { name: "Dashboard" });
  await expect(nav.getByRole("link")).toHaveText([...visible]);
}

/** The 403 page, not a crash. */
export async function expectForbidden(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
}
