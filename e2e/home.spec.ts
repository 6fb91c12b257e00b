import AxeBuilder from "@axe-core/playwright";
import { test, expect } from "./support/fixtures";

test("the home page says what the application is and links staff to sign-in", async ({ page, keep }) => {
  const cspViolations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
      cspViolations.push(message.text());
  });
  const response = await page.goto("/");
  expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { level: 1, name: "Seller onboarding" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Staff sign-in" })).toHaveAttribute("href", "/admin");
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  // Next's own scripts carry this request's nonce: the policy blocks nothing on the page.
  expect(cspViolations).toEqual([]);
  await keep("home");
});

test("health answers 200 with status ok", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok" });
});
