// Rate limits on the production server: an onboarding link opened too often answers 429 with Retry-After
// and a page that says how long to wait (proxy.ts, lib/rate-limit/), counted in PostgreSQL. The e2e run
// sets onboarding-link-per-link to 3 per 10 minutes (scripts/e2e.ts).
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { test, expect } from "./support/fixtures";

test("an onboarding link opened too often answers 429 with Retry-After and a clear page", async ({ page, keep }) => {
  const url = `/onboard/${randomBytes(32).toString("base64url")}`;
  for (let i = 0; i < 3; i++) expect((await page.goto(url))?.status()).toBe(200);
  const response = await page.goto(url);
  expect(response?.status()).toBe(429);
  const retryAfter = Number(response?.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(600);
  expect(response?.headers()["cache-control"]).toContain("no-store");
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(page.getByRole("heading", { level: 1, name: "Too many attempts" })).toBeVisible();
  await expect(page.getByText(/Please wait \d+ minutes? and try again/)).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  await keep("rate-limited-link");
  // Another link from the same browser still opens.
  expect((await page.goto(`/onboard/${randomBytes(32).toString("base64url")}`))?.status()).toBe(200);
});
