// A support agent's dashboard tour in Arabic, right to left, on a 375 px phone: switch the language, sign in,
// search the sellers, open a seller, read a failed request's timeline, filter the requests list, and meet the
// 403 page on audit (support may not read it). Every page: <html lang="ar" dir="rtl">, axe clean, nothing
// wider than the viewport (a table scrolls inside its own region), a screenshot attached to the report.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { expect, test } from "./support/fixtures";
import { checkArabicPage } from "./support/arabic-page";
import { createStaff, dbQuery, type StaffCredentials } from "./support/auth";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const newReference = () => `NA-${Array.from(randomBytes(8), (b) => CROCKFORD[b % 32]).join("")}`;
const tag = randomBytes(3).toString("hex");
const sellerName = `عطور الواحة ${tag}`;
const email = `oasis.${tag}@example.ae`;
const failed = { id: randomUUID(), reference: newReference(), oauthRequestId: randomUUID() };
const rejected = { id: randomUUID(), reference: newReference() };
const failureMessage = `Noon refused exchanging the access token: status code 4003 (${tag})`;
let sellerId = "";
let support: StaffCredentials | undefined;

async function insertRequest(
  r: { id: string; reference: string; oauthRequestId?: string },
  status: string,
  at: Date,
  failure: { stage?: string; http?: number; message?: string } = {},
) {
  await dbQuery(
    `INSERT INTO noon_authorizations (id, reference, seller_id, status, state_hash, state_expires_at, project_code, oauth_request_id,
       failure_stage, failure_http_status, failure_message, created_at, updated_at)
     VALUES ($1, $2, $3, $4::noon_authorization_status, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
    [
      r.id,
      r.reference,
      sellerId,
      status,
      createHash("sha256").update(randomBytes(32)).digest("hex"),
      new Date(at.getTime() + 600_000),
      `PRJ${tag}`,
      r.oauthRequestId ?? null,
      failure.stage ?? null,
      failure.http ?? null,
      failure.message ?? null,
      at,
    ],
  );
}

async function insertEvent(
  id: string,
  type: string,
  at: Date,
  e: { stage?: string; http?: number; message?: string } = {},
) {
  await dbQuery(
    `INSERT INTO noon_authorization_events (authorization_id, type, at, stage, http_status, message) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, type, at, e.stage ?? null, e.http ?? null, e.message ?? null],
  );
}

test.beforeAll(async () => {
  support = await createStaff("SUPPORT", "support-ar");
  sellerId = randomUUID();
  await dbQuery(`INSERT INTO sellers (id, name, email, external_id, updated_at) VALUES ($1, $2, $3, $4, now())`, [
    sellerId,
    sellerName,
    email,
    `ext-${tag}`,
  ]);
  const t = Date.now() - 3_600_000;
  await insertRequest(failed, "FAILED", new Date(t), { stage: "token_exchange", http: 200, message: failureMessage });
  await insertEvent(failed.id, "started", new Date(t));
  await insertEvent(failed.id, "callback_received", new Date(t + 38_000));
  await insertEvent(failed.id, "token_created", new Date(t + 38_500));
  await insertEvent(failed.id, "failed", new Date(t + 39_700), {
    stage: "token_exchange",
    http: 200,
    message: failureMessage,
  });
  const r = t + 600_000;
  await insertRequest(rejected, "REJECTED", new Date(r));
  await insertEvent(rejected.id, "started", new Date(r));
  await insertEvent(rejected.id, "rejected", new Date(r + 900_000), { stage: "callback", message: "state_expired" });
});

// English first, Saudi Arabic second: the page starts in English; once Arabic is chosen, dates and numbers
// follow Saudi conventions (Arabic-Indic digits).
test.use({
  viewport: { width: 375, height: 812 },
  locale: "en-GB",
  extraHTTPHeaders: { "accept-language": "en-GB,en;q=0.9,ar-SA;q=0.5" },
});

test("a support agent tours the dashboard in Arabic", async ({ page }, testInfo) => {
  if (!support) throw new Error("no support user");

  // The language switch on the sign-in page, remembered for the whole dashboard.
  await page.goto("/admin/sign-in");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByRole("button", { name: "العربية" }).first().click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await checkArabicPage(page, testInfo, "sign-in", "staff-arabic-support-sign-in");
  await page.locator("input[name=email]").fill(support.email);
  await page.locator("input[name=password]").fill(support.password);
  await page.locator("form:has(input[name=password]) button[type=submit]").click();
  await expect(page).not.toHaveURL(/sign-in/);

  // Sellers: a search by name.
  await page.goto("/admin/sellers");
  await expect(page.getByRole("heading", { level: 1, name: "البائعون" })).toBeVisible();
  await page.getByLabel("البحث عن بائع").fill(tag);
  await page.getByRole("button", { name: "بحث", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`q=${tag}`));
  await expect(page.getByRole("link", { name: sellerName })).toBeVisible();
  await expect(page.locator("bdi[dir=ltr]", { hasText: email })).toBeVisible();
  await checkArabicPage(page, testInfo, "sellers-search", "staff-arabic-support-sellers-search");

  // The seller: identifiers isolated, the failure stage in Arabic with its code.
  await page.getByRole("link", { name: sellerName }).click();
  await expect(page.getByRole("heading", { level: 1, name: sellerName })).toBeVisible();
  await expect(page.getByRole("heading", { name: "طلبات التفويض على نون" })).toBeVisible();
  await expect(page.getByTestId("seller-facts").locator("bdi[dir=ltr]", { hasText: `ext-${tag}` })).toBeVisible();
  const requestRow = page.getByRole("row").filter({ hasText: failed.reference });
  await expect(requestRow).toContainText("استبدال رمز الوصول");
  await expect(requestRow).toContainText("فشل");
  await checkArabicPage(page, testInfo, "seller", "staff-arabic-support-seller");

  // The failed request: its summary and timeline in Arabic, Noon's words as recorded (English, isolated).
  await requestRow.getByRole("link", { name: failed.reference }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(failed.reference);
  await expect(page.getByTestId("failure")).toContainText("فشل في المرحلة: استبدال رمز الوصول (token_exchange)");
  await expect(page.getByTestId("failure").locator('[lang="en"]')).toHaveText(failureMessage);
  const timeline = page.getByTestId("timeline");
  await expect(page.getByRole("heading", { name: "الجدول الزمني" })).toBeVisible();
  await expect(timeline.getByText("نقر البائع على زر الربط", { exact: true })).toBeVisible();
  await expect(timeline.getByText("وصل رد نون", { exact: true })).toBeVisible();
  // 1.2 s between the token and the failure, with Saudi digits.
  await expect(timeline).toContainText("+١٫٢ ث");
  await expect(page.getByTestId("oauth-request-id")).toHaveText(failed.oauthRequestId);
  await checkArabicPage(page, testInfo, "request-failed", "staff-arabic-support-request-failed");

  // A rejected callback: its reason is a code, told in Arabic.
  await page.goto(`/admin/requests/${rejected.id}`);
  await expect(page.getByTestId("timeline")).toContainText("رُفض رد نون");
  await expect(page.getByTestId("timeline")).toContainText("انتهت صلاحية المعامل state");
  await checkArabicPage(page, testInfo, "request-rejected", "staff-arabic-support-request-rejected");

  // The requests list, filtered by status and search.
  await page.goto("/admin/requests");
  await expect(page.getByRole("heading", { level: 1, name: "طلبات التفويض على نون" })).toBeVisible();
  await page.getByLabel("بحث", { exact: true }).fill(`PRJ${tag}`);
  await page.getByLabel("الحالة", { exact: true }).selectOption({ label: "فشل" });
  await page.getByRole("button", { name: "تطبيق عوامل التصفية" }).click();
  await expect(page).toHaveURL(/status=failed/);
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(failed.reference);
  await expect(page.getByTestId("search-summary")).toContainText("البحث برمز مشروع نون");
  await checkArabicPage(page, testInfo, "requests-filtered", "staff-arabic-support-requests-filtered");

  // Audit is not for support: the 403 page, in Arabic.
  const response = await page.goto("/admin/audit");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "غير مسموح" })).toBeVisible();
  await checkArabicPage(page, testInfo, "audit-forbidden", "staff-arabic-support-audit-forbidden");
});
