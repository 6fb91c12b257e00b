// The seller's journey in Arabic, right to left: approve, decline and a failure at Noon, each on a 375 px
// phone and a 1280 px screen. Every page: <html lang="ar" dir="rtl">, axe clean, nothing wider than the
// viewport, a screenshot kept as an artefact. Plus the link's own language and the language switch.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { checkArabicPage } from "./support/arabic-page";

const noonSim = process.env.E2E_NOON_SIM_URL ?? "";

function sellerLink(name: string, locale?: string): Promise<{ sellerId: string; url: string }> {
  return new Promise((resolve, reject) => {
    const args = ["run", "--silent", "seller:link", "--", "--name", name, "--external-id", `e2e-ar-${randomUUID()}`];
    if (locale) args.push("--locale", locale);
    const child = spawn("npm", [...args, "--json"], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let errOut = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (errOut += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out
        .split("\n")
        .reverse()
        .find((l) => l.startsWith("{"));
      if (code !== 0 || !line) return reject(new Error(`seller:link exited ${code}: ${errOut.slice(-500)}`));
      resolve(JSON.parse(line) as { sellerId: string; url: string });
    });
  });
}

/** The bundled Arabic font is what the page uses (loaded from our own server, not the system). */
async function arabicFontLoaded(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    await document.fonts.ready;
    return Array.from(document.fonts).some((f) => /arabic/i.test(f.family) && f.status === "loaded");
  });
}

const VIEWPORTS = [
  { label: "375px", width: 375, height: 812 },
  { label: "1280px", width: 1280, height: 900 },
];

for (const viewport of VIEWPORTS) {
  test.describe(`an Arabic-speaking seller at ${viewport.label}`, () => {
    test.use({ locale: "ar-AE", viewport: { width: viewport.width, height: viewport.height } });

    test("connects their Noon account", async ({ page }, testInfo) => {
      const name = `متجر الوردة ${randomUUID().slice(0, 4)}`;
      const link = await sellerLink(name, "ar");
      await page.goto(link.url);
      await expect(page.getByRole("heading", { level: 1, name: `مرحبًا، ${name}` })).toBeVisible();
      await expect(page.getByText("لم يُربط أي حساب على نون بعد.")).toBeVisible();
      expect(await arabicFontLoaded(page)).toBe(true);
      await checkArabicPage(page, testInfo, `${viewport.label}-onboard`, `arabic-${viewport.label}-onboard`);

      await page.getByRole("button", { name: "ربط حساب نون" }).click();
      await expect(page.locator("html")).toHaveAttribute("lang", "ar");
      await expect(page.getByRole("heading", { level: 1 })).toContainText("هل تسمح لهذا التطبيق");
      await page.getByLabel("رمز مشروع البائع").fill("PRJ77101");
      await checkArabicPage(page, testInfo, `${viewport.label}-noon-consent`, `arabic-${viewport.label}-noon-consent`);
      await page.getByRole("button", { name: "موافقة" }).click();

      await expect(page.getByRole("heading", { level: 1, name: "تم ربط حسابك على نون" })).toBeVisible();
      // Identifiers stay left to right inside the Arabic sentence.
      await expect(page.locator("bdi[dir=ltr]", { hasText: "PRJ77101" }).first()).toBeVisible();
      const reference = new URL(page.url()).pathname.split("/").pop() ?? "";
      await expect(page.locator("bdi[dir=ltr]", { hasText: reference })).toBeVisible();
      await checkArabicPage(page, testInfo, `${viewport.label}-connected`, `arabic-${viewport.label}-connected`);

      // Back on the link: it has been used; this browser still sees its connection, dated in Arabic.
      await page.goto(link.url);
      await expect(page.getByRole("heading", { level: 1, name: "تم استخدام هذا الرابط من قبل" })).toBeVisible();
      await expect(page.getByRole("listitem").filter({ hasText: "PRJ77101" })).toContainText("مرتبط");
      await checkArabicPage(page, testInfo, `${viewport.label}-link-used`, `arabic-${viewport.label}-link-used`);
    });

    test("declines on Noon and can try again", async ({ page }, testInfo) => {
      const link = await sellerLink(`متجر الرفض ${randomUUID().slice(0, 4)}`, "ar");
      await page.goto(link.url);
      await page.getByRole("button", { name: "ربط حساب نون" }).click();
      await page.getByRole("button", { name: "رفض" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "لم تتم الموافقة على الربط" })).toBeVisible();
      await checkArabicPage(page, testInfo, `${viewport.label}-declined`, `arabic-${viewport.label}-declined`);
      await page.getByRole("button", { name: "حاول مرة أخرى" }).click();
      await expect(page.getByRole("button", { name: "موافقة" })).toBeVisible();
    });

    test("sees a failure at Noon explained, with the reference for support", async ({ page }, testInfo) => {
      const link = await sellerLink(`متجر العطل ${randomUUID().slice(0, 4)}`, "ar");
      await page.goto(link.url);
      await page.getByRole("button", { name: "ربط حساب نون" }).click();
      await page.getByLabel("رمز مشروع البائع").fill("PRJ77102");
      // Noon's next token/exchange answers 200 with an error status: the request fails at token_exchange.
      const fault = await fetch(`${noonSim}/__sim/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ statusErrorNext: 1 }),
      });
      expect(fault.ok).toBe(true);
      await page.getByRole("button", { name: "موافقة" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "تعذّر إكمال الربط" })).toBeVisible();
      await expect(page.getByRole("alert").filter({ hasText: "حدث خطأ" })).toContainText(
        "لم تتمكن نون من إنشاء بيانات الاعتماد لحسابك.",
      );
      const reference = new URL(page.url()).pathname.split("/").pop() ?? "";
      expect(reference).toMatch(/^NA-[0-9A-Z]{8}$/);
      await expect(page.locator("bdi[dir=ltr]", { hasText: reference })).toBeVisible();
      await checkArabicPage(page, testInfo, `${viewport.label}-failed`, `arabic-${viewport.label}-failed`);
    });
  });
}

test.describe("the seller's language", () => {
  test.use({ locale: "en-US", viewport: { width: 1280, height: 900 } });

  test("a link made in Arabic opens in Arabic in an English browser; the switch changes it and is remembered", async ({
    page,
  }, testInfo) => {
    const name = `Souq Test ${randomUUID().slice(0, 4)}`;
    const link = await sellerLink(name, "ar");
    await page.goto(link.url);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByRole("heading", { level: 1, name: `مرحبًا، ${name}` })).toBeVisible();

    // The switch is the first thing after the skip link, by keyboard, and named in its own language.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const english = page.getByRole("button", { name: "English" });
    await expect(english).toBeFocused();
    await expect(english).toHaveAttribute("lang", "en");
    await page.keyboard.press("Enter");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${name}` })).toBeVisible();
    await expect(page).toHaveURL(link.url);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${name}` })).toBeVisible();

    const arabic = page.getByRole("button", { name: "العربية" });
    await expect(arabic).toHaveAttribute("lang", "ar");
    await arabic.click();
    await expect(page.locator("html")).toHaveAttribute("lang", "ar");
    await checkArabicPage(page, testInfo, "switch-back-to-arabic", "arabic-switch-back-to-arabic");
  });

  test("an Arabic browser gets the start and not-found pages in Arabic; English stays the default", async ({
    browser,
    page,
  }, testInfo) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1, name: "Seller onboarding" })).toBeVisible();

    const context = await browser.newContext({ locale: "ar-EG", viewport: { width: 375, height: 812 } });
    const arabic = await context.newPage();
    await arabic.goto("/");
    await expect(arabic.getByRole("heading", { level: 1, name: "تسجيل البائعين" })).toBeVisible();
    await checkArabicPage(arabic, testInfo, "home-ar-EG", "arabic-home-ar-EG");
    const missing = await arabic.goto("/no-such-page");
    expect(missing?.status()).toBe(404);
    await expect(arabic.getByRole("heading", { level: 1, name: "الصفحة غير موجودة" })).toBeVisible();
    await checkArabicPage(arabic, testInfo, "not-found", "arabic-not-found");
    await arabic.goto(`/onboard/${"x".repeat(43)}`);
    await expect(arabic.getByRole("heading", { level: 1, name: "هذا الرابط لا يعمل" })).toBeVisible();
    await checkArabicPage(arabic, testInfo, "link-unknown", "arabic-link-unknown");
    await context.close();
  });
});
