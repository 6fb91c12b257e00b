// Support finds a seller's failed Noon authorization by the reference from the failure page and by its
// oauth_request_id, sees the stage and Noon's message, filters by status, exports the list as CSV, and
// watches an in-progress request finish without reloading. Rows are seeded straight into the database.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { expect, keepPage, test } from "./support/fixtures";
import { createStaff, dbQuery, signIn as signInAs, type StaffCredentials } from "./support/auth";

const runDir = process.env.E2E_RUN_DIR ?? path.join(process.cwd(), ".data", "e2e-run");
const query = dbQuery;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const newReference = () => `NA-${Array.from(randomBytes(8), (b) => CROCKFORD[b % 32]).join("")}`;
const tag = randomBytes(3).toString("hex");
const sellerName = `Oryx${tag} Perfumes`;
const failed = { id: randomUUID(), reference: newReference(), oauthRequestId: randomUUID() };
const completed = { id: randomUUID(), reference: newReference(), oauthRequestId: randomUUID() };
const inProgress = { id: randomUUID(), reference: newReference() };
const failureMessage = `Noon refused exchanging the access token: status code 4003 (project not eligible ${tag})`;
let sellerId = "";
let support: StaffCredentials | undefined;

async function insertRequest(
  r: { id: string; reference: string; oauthRequestId?: string },
  status: string,
  at: Date,
  extra: { projectCode?: string; stage?: string; http?: number; message?: string } = {},
) {
  await query(
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
      extra.projectCode ?? null,
      r.oauthRequestId ?? null,
      extra.stage ?? null,
      extra.http ?? null,
      extra.message ?? null,
      at,
    ],
  );
}

async function insertEvent(
  authorizationId: string,
  type: string,
  at: Date,
  failure: { stage?: string; http?: number; message?: string } = {},
) {
  await query(
    `INSERT INTO noon_authorization_events (authorization_id, type, at, stage, http_status, message) VALUES ($1, $2, $3, $4, $5, $6)`,
    [authorizationId, type, at, failure.stage ?? null, failure.http ?? null, failure.message ?? null],
  );
}

test.beforeAll(async () => {
  support = await createStaff("SUPPORT", "support-view");
  sellerId = randomUUID();
  await query(`INSERT INTO sellers (id, name, email, updated_at) VALUES ($1, $2, $3, now())`, [
    sellerId,
    sellerName,
    `owner.${tag}@oryx.example`,
  ]);

  const t = Date.now() - 3_600_000;
  await insertRequest(completed, "COMPLETED", new Date(t), { projectCode: `PRJ${tag}` });
  for (const [type, dt] of [
    ["started", 0],
    ["callback_received", 41_000],
    ["token_created", 41_400],
    ["exchanged", 42_300],
    ["key_stored", 42_450],
    ["completed", 42_470],
  ] as const) {
    await insertEvent(completed.id, type, new Date(t + dt));
  }
  const f = t + 600_000;
  await insertRequest(failed, "FAILED", new Date(f), {
    projectCode: `PRJ${tag}`,
    stage: "token_exchange",
    http: 200,
    message: failureMessage,
  });
  await insertEvent(failed.id, "started", new Date(f));
  await insertEvent(failed.id, "callback_received", new Date(f + 38_000));
  await insertEvent(failed.id, "token_created", new Date(f + 38_500));
  await insertEvent(failed.id, "failed", new Date(f + 39_700), {
    stage: "token_exchange",
    http: 200,
    message: failureMessage,
  });
  // The failed request has an oauth_request_id too (Noon answered with one and a non-zero status code).
  await query(`UPDATE noon_authorizations SET oauth_request_id = $2 WHERE id = $1`, [failed.id, failed.oauthRequestId]);

  await insertRequest(inProgress, "STARTED", new Date());
  await insertEvent(inProgress.id, "started", new Date());
});

async function signIn(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  if (!support) throw new Error("no support user");
  await signInAs(page, support);
  return page;
}

async function search(page: Page, q: string) {
  await page.goto("/admin/requests");
  await page.getByLabel("Search", { exact: true }).fill(q);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(q).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
}

test("support finds a failed authorization by the reference from the seller's failure page", async ({ browser }) => {
  const page = await signIn(browser);
  await search(page, failed.reference.toLowerCase());
  await expect(page.getByTestId("search-summary")).toContainText("reference");
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("token_exchange");
  await keepPage(page, "support-list-by-reference");

  await rows.first().getByRole("link", { name: failed.reference }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/requests/${failed.id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(failed.reference);
  const failure = page.getByTestId("failure");
  await expect(failure).toContainText("Failed at stage: token_exchange");
  await expect(failure).toContainText(failureMessage);
  const timeline = page.getByTestId("timeline");
  await expect(timeline.getByRole("listitem")).toHaveCount(4);
  await expect(timeline).toContainText("+1.2 s"); // token created → failed
  await keepPage(page, "support-request-detail-failed");

  // From here to the seller and the seller's other request.
  await page.getByRole("link", { name: sellerName }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(sellerName);
  await expect(page.getByRole("link", { name: completed.reference })).toBeVisible();
  await expect(page.getByRole("button", { name: /New link/ })).toHaveCount(0); // support cannot issue links
  await keepPage(page, "support-seller-detail");
});

test("support finds an authorization by oauth_request_id and can copy it", async ({ browser }) => {
  const page = await signIn(browser);
  await search(page, completed.oauthRequestId);
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole("link", { name: completed.reference }).click();
  await expect(page.getByTestId("oauth-request-id")).toHaveText(completed.oauthRequestId);
  await expect(page.getByRole("button", { name: "Copy oauth_request_id" })).toBeVisible();
  await expect(page.getByText("OAuth tab of the Noon Partners Access App")).toBeVisible();
  await keepPage(page, "support-request-detail-completed");
});

test("support filters by status and the filter lives in the URL", async ({ browser }) => {
  const page = await signIn(browser);
  await page.goto(`/admin/requests?q=${encodeURIComponent(sellerName)}`);
  await expect(page.getByTestId("request-row")).toHaveCount(3);
  await expect(page.getByTestId("count-failed")).toContainText("1");
  await expect(page.getByTestId("count-completed")).toContainText("1");
  await page.getByLabel("Status", { exact: true }).selectOption("failed");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=failed/);
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(failed.reference);
  // The same view from its link, in a fresh page.
  const shared = await page.context().newPage();
  await shared.goto(page.url());
  await expect(shared.getByTestId("request-row")).toHaveCount(1);
  await expect(shared.getByLabel("Status", { exact: true })).toHaveValue("failed");
  await keepPage(shared, "support-list-filtered");
});

test("support exports the filtered list as CSV", async ({ browser }) => {
  const page = await signIn(browser);
  await page.goto(`/admin/requests?q=${encodeURIComponent(sellerName)}`);
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: /Export CSV/ }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^noon-requests-.*\.csv$/);
  const file = await download.path();
  const csv = readFileSync(file, "utf8");
  mkdirSync(path.join(runDir, "pages"), { recursive: true });
  appendFileSync(path.join(runDir, "pages", "support-export.csv"), csv);
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toContain("reference,status,created_at");
  expect(lines).toHaveLength(4);
  expect(csv).toContain(failed.reference);
  expect(csv).toContain(failureMessage);
  expect(csv).toContain(completed.oauthRequestId);

  // Not for anyone signed out.
  const anonymous = await fetch(new URL(`/api/admin/requests/export?q=${encodeURIComponent(sellerName)}`, page.url()));
  expect(anonymous.status).toBe(401);
});

test("an in-progress request updates on its page without a reload", async ({ browser }) => {
  const page = await signIn(browser);
  await page.goto(`/admin/requests/${inProgress.id}`);
  await expect(page.getByText("In progress: this page updates by itself.")).toBeVisible();
  // A marker on the window survives a client-side refresh, not a reload.
  await page.evaluate(() => Object.assign(window, { __supportMarker: 1 }));
  await insertEvent(inProgress.id, "callback_received", new Date());
  await insertEvent(inProgress.id, "declined", new Date());
  await query(
    `UPDATE noon_authorizations SET status = 'DECLINED', callback_at = now(), updated_at = now() WHERE id = $1`,
    [inProgress.id],
  );
  await expect(page.getByTestId("timeline").getByRole("listitem")).toHaveCount(3, { timeout: 15_000 });
  await expect(page.getByText("Seller declined on Noon")).toBeVisible();
  await expect(page.getByText("In progress: this page updates by itself.")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __supportMarker?: number }).__supportMarker)).toBe(1);
  await keepPage(page, "support-request-live");
});

test("the list offers requests that arrive while it is open", async ({ browser }) => {
  const page = await signIn(browser);
  await page.goto(`/admin/requests?q=${encodeURIComponent(sellerName)}`);
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(3);
  const late = { id: randomUUID(), reference: newReference() };
  await insertRequest(late, "STARTED", new Date());
  await insertEvent(late.id, "started", new Date());
  await expect(page.getByText("1 new request since this page loaded.")).toBeVisible({ timeout: 25_000 });
  await page.getByRole("button", { name: "Show them" }).click();
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText(late.reference);
  await keepPage(page, "support-list-live");
});
