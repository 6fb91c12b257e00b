// The staff dashboard in Arabic, right to left, on a 375 px phone: operations switch the language on the
// sign-in page, sign in through the form, open the connections, create a Noyo connection on the simulator
// and test it; an admin then visits webhooks (an endpoint on a loopback receiver, a test event delivered),
// API keys (a validation message from the catalogue, a key created) and staff. Every page:
// <html lang="ar" dir="rtl">, axe clean, nothing wider than the viewport, a screenshot attached.
import { randomBytes, randomUUID } from "node:crypto";
import type { BrowserContext } from "@playwright/test";
import { startWebhookReceiver, type StartedWebhookReceiver } from "../simulators/webhook-receiver/index";
import { createStaff, dbQuery, e2eAdmin, signIn } from "./support/auth";
import { expect, test } from "./support/fixtures";
import { checkArabicPage } from "./support/arabic-page";

const noyoSim = process.env.E2E_NOYO_SIM_URL ?? "";
const PHONE = { width: 375, height: 812 };

let receiver: StartedWebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
  await dbQuery(`DELETE FROM webhook_endpoints WHERE url = $1`, [receiver.endpointUrl]);
});

async function arabicContext(context: BrowserContext) {
  const url = new URL(test.info().project.use.baseURL ?? "http://localhost");
  await context.addCookies([{ name: "NEXT_LOCALE", value: "ar", domain: url.hostname, path: "/" }]);
}

test.describe.configure({ mode: "serial" });

test("operations in Arabic: sign in, connections, create and test a connection on the simulator", async ({
  browser,
}, testInfo) => {
  test.skip(!noyoSim, "needs E2E_NOYO_SIM_URL (npm run e2e)");
  test.setTimeout(180_000);
  const operations = await createStaff("OPERATIONS", "ops-ar");
  const clientId = `e2e-ar-${randomUUID().slice(0, 8)}`;
  const secret = `noyo-ar-${randomBytes(12).toString("hex")}`;
  const name = `نون للمزايا ${randomUUID().slice(0, 6)}`;
  const registered = await fetch(`${noyoSim}/__sim/clients`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId, clientSecret: secret }),
  });
  expect(registered.status).toBe(200);

  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();

  // The language switch on the sign-in page, then the form itself in Arabic.
  await page.goto("/admin/sign-in?callbackUrl=%2Fadmin%2Fconnections");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await page.getByRole("button", { name: "العربية" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "تسجيل دخول الموظفين" })).toBeVisible();
  await checkArabicPage(page, testInfo, "sign-in", "staff-arabic-sign-in");
  await page.getByLabel("البريد الإلكتروني").fill(operations.email);
  await page.getByLabel("كلمة المرور").fill("not-the-password");
  await page.getByRole("button", { name: "تسجيل الدخول", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "لا يطابقان حساب موظف نشطًا" })).toBeVisible();
  await page.getByLabel("كلمة المرور").fill(operations.password);
  await page.getByRole("button", { name: "تسجيل الدخول", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/connections$/);

  // The connections list.
  await expect(page.getByRole("heading", { level: 1, name: "الاتصالات" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "لوحة التحكم" }).getByRole("link")).toHaveText([
    "البائعون",
    "الطلبات",
    "الاتصالات",
  ]);
  await checkArabicPage(page, testInfo, "connections", "staff-arabic-connections");

  // A new Noyo connection on the simulator.
  await page.getByRole("link", { name: "اتصال جديد" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "اتصال جديد" })).toBeVisible();
  await page.getByLabel("المزوّد").selectOption("NOYO");
  await page.getByLabel("البيئة").selectOption("SANDBOX");
  await checkArabicPage(page, testInfo, "connection-new", "staff-arabic-connection-new");
  await page.getByLabel("الاسم").fill(name);
  await page.getByLabel("معرّف العميل (Client ID)").fill(clientId);
  await page.getByLabel("سر العميل (Client secret)").fill(secret);
  await page.getByLabel("عنوان URL للرمز").fill(`${noyoSim}/auth/public/token`);
  await page.getByLabel("عنوان URL الأساسي لواجهة API").fill(noyoSim);
  await page.getByRole("button", { name: "إنشاء الاتصال" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "تم إنشاء الاتصال. اختبره" })).toBeVisible();

  // Test it: the answer and the steps in Arabic, the route and HTTP status left to right.
  await page.getByRole("button", { name: "اختبار الاتصال" }).click();
  await expect(page.getByRole("status").filter({ hasText: "الاتصال يعمل" })).toBeVisible();
  const steps = page.getByRole("list", { name: "خطوات الاختبار" });
  await expect(steps).toContainText("طلب الرمز: ناجح");
  await expect(steps).toContainText("GET /api/v1/groups: ناجح (HTTP 200)");
  await page.reload();
  await expect(page.getByRole("table", { name: "أحدث أحداث هذا الاتصال" })).toContainText("اختُبر");
  await expect(page.getByText("سليم").first()).toBeVisible();
  await checkArabicPage(page, testInfo, "connection", "staff-arabic-connection");

  // Operations may not open staff, API keys or webhooks: the 403 page, in Arabic.
  const forbidden = await page.goto("/admin/staff");
  expect(forbidden?.status()).toBe(403);
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await context.close();
});

test("an admin in Arabic: webhooks with a delivered test event, API keys, staff", async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ viewport: PHONE });
  await arabicContext(context);
  await signIn(context, e2eAdmin());
  const page = await context.newPage();

  // Webhooks: a refused URL answered beside the field in Arabic, then an endpoint on the loopback receiver.
  await page.goto("/admin/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "خطافات الويب (Webhooks)" })).toBeVisible();
  await checkArabicPage(page, testInfo, "webhooks", "staff-arabic-webhooks");
  await page.getByLabel("عنوان URL").fill("http://hooks.example.com/x");
  await page.getByRole("checkbox", { name: /seller\.connected/ }).check();
  await page.getByRole("button", { name: "إنشاء نقطة النهاية" }).click();
  await expect(page.getByText("عنوان URL هذا غير مقبول")).toBeVisible();
  await page.getByLabel("عنوان URL").fill(receiver.endpointUrl);
  await page.getByLabel("الوصف (اختياري)").fill("الخدمة الخلفية للسوق");
  await page.getByRole("checkbox", { name: /seller\.connected/ }).check();
  await page.getByRole("button", { name: "إنشاء نقطة النهاية" }).click();
  const secretBox = page.locator("code", { hasText: /^whsec_/ });
  await expect(secretBox).toBeVisible();
  receiver.setSecrets([(await secretBox.textContent()) ?? ""]);
  await checkArabicPage(page, testInfo, "webhook-created", false);
  await page.getByRole("link", { name: "افتح نقطة النهاية" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "الخدمة الخلفية للسوق" })).toBeVisible();
  await page.getByRole("button", { name: "إرسال حدث اختباري" }).click();
  await expect(page.getByRole("status").filter({ hasText: "أُضيف الحدث الاختباري" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "webhook.test" });
  await expect(row.getByText("تم التسليم")).toBeVisible({ timeout: 30_000 });
  await checkArabicPage(page, testInfo, "webhook-endpoint", "staff-arabic-webhook-endpoint");
  await row.getByRole("link", { name: "webhook.test" }).click();
  await expect(page.getByText("حدث اختباري", { exact: true })).toBeVisible();
  await checkArabicPage(page, testInfo, "webhook-delivery", "staff-arabic-webhook-delivery");

  // API keys: no scope chosen is answered by the catalogue; then a key, shown once.
  await page.goto("/admin/api-keys");
  await expect(page.getByRole("heading", { level: 1, name: "مفاتيح API" })).toBeVisible();
  const keyName = `marketplace-backend-${randomUUID().slice(0, 6)}`;
  await page.getByLabel("الاسم").fill(keyName);
  await page.getByRole("button", { name: "إنشاء المفتاح" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "راجع الحقول المميَّزة." })).toBeVisible();
  await expect(page.getByText("اختر خيارًا واحدًا على الأقل.")).toBeVisible();
  // React resets an uncontrolled form after its action: the name is typed again.
  await page.getByLabel("الاسم").fill(keyName);
  await page.getByRole("checkbox", { name: /onboarding-links/ }).check();
  await page.getByRole("button", { name: "إنشاء المفتاح" }).click();
  await expect(page.locator("code").filter({ hasText: /^sok_[A-Za-z0-9_-]{43}$/ })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: keyName })).toContainText("أبدًا");
  await checkArabicPage(page, testInfo, "api-keys", "staff-arabic-api-keys");
  await page
    .getByRole("row")
    .filter({ hasText: keyName })
    .getByRole("button", { name: /^إلغاء/ })
    .click();
  await expect(page.getByRole("row").filter({ hasText: keyName })).toContainText("أُلغي");

  // Staff.
  await page.goto("/admin/staff");
  await expect(page.getByRole("heading", { level: 1, name: "الموظفون" })).toBeVisible();
  await expect(page.getByRole("table", { name: "أعضاء فريق العمل" })).toContainText("مسؤول (أنت)");
  await checkArabicPage(page, testInfo, "staff", "staff-arabic-staff");
  await context.close();
});
