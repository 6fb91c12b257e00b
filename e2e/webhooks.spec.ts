// An admin creates a webhook endpoint against a loopback receiver, a seller connects their Noon account,
// and the delivery shows up in the dashboard as delivered; the receiver verified it with the
// `standardwebhooks` package. The signing secret is in the Secrets Manager simulator, so the run's
// secret scan proves it never reached a log line or a kept page.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { startWebhookReceiver, type StartedWebhookReceiver } from "../simulators/webhook-receiver/index";
import { dbQuery, e2eAdmin, signIn } from "./support/auth";
import { expect, test } from "./support/fixtures";

let receiver: StartedWebhookReceiver;

test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
  await dbQuery(`DELETE FROM webhook_endpoints WHERE url = $1`, [receiver.endpointUrl]);
});

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("an admin adds an endpoint, a seller connects, the signed delivery is shown as delivered", async ({
  page,
  keep,
  browser,
}) => {
  await signIn(page, e2eAdmin());
  await page.goto("/admin/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await axe(page);

  // A bad URL is refused beside the field, nothing is created.
  await page.getByLabel("URL").fill("http://hooks.example.com/x");
  await page.getByRole("checkbox", { name: /seller\.connected/ }).check();
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByText(/may use http:\/\/ only for loopback/)).toBeVisible();

  await page.getByLabel("URL").fill(receiver.endpointUrl);
  await page.getByLabel("Description (optional)").fill("E2E backend");
  await page.getByRole("checkbox", { name: /seller\.connected/ }).check();
  await page.getByRole("button", { name: "Create endpoint" }).click();
  const secretBox = page.locator("code", { hasText: /^whsec_/ });
  await expect(secretBox).toBeVisible();
  const secret = (await secretBox.textContent()) ?? "";
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  receiver.setSecrets([secret]);
  // Not kept: this one answer shows the secret, on purpose, once.
  const [endpoint] = await dbQuery<{ id: string; secret_name: string }>(
    `SELECT id, secret_name FROM webhook_endpoints WHERE url = $1`,
    [receiver.endpointUrl],
  );
  expect(endpoint?.secret_name).toMatch(/webhooks\//);
  const [columns] = await dbQuery<{ row: string }>(
    `SELECT row_to_json(e)::text AS row FROM webhook_endpoints e WHERE id = $1`,
    [endpoint?.id],
  );
  expect(columns?.row).not.toContain(secret.slice(6));

  // The seller's side: an onboarding link, Connect, Approve on the Noon simulator.
  const [seller] = await dbQuery<{ id: string }>(
    `INSERT INTO sellers (id, name, created_at, updated_at) VALUES (gen_random_uuid(), $1, now(), now()) RETURNING id`,
    [`Webhook Shop ${Date.now().toString(36)}`],
  );
  const sellerPage = await (await browser.newContext()).newPage();
  await page.goto(`/admin/sellers/${seller?.id}`);
  await page
    .getByRole("button", { name: /^New link/ })
    .first()
    .click();
  const link = (await page.locator("code", { hasText: "/onboard/" }).first().textContent()) ?? "";
  await sellerPage.goto(link);
  await sellerPage.getByRole("button", { name: "Connect Noon account" }).click();
  await sellerPage.getByRole("button", { name: "Approve" }).click();
  await expect(sellerPage.getByRole("heading", { level: 1, name: "Your Noon account is connected" })).toBeVisible();
  await sellerPage.context().close();

  // The dashboard shows the delivery as delivered (the page refreshes itself while one is pending).
  await page.goto(`/admin/webhooks/${endpoint?.id}`);
  const row = page.getByRole("row", { name: /seller\.connected/ });
  await expect(row.getByText("Delivered")).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText("HTTP 200")).toBeVisible();
  await keep("webhook-endpoint");
  await axe(page);

  const got = receiver.delivered();
  expect(got).toHaveLength(1);
  expect(got[0]?.event).toMatchObject({ type: "seller.connected", sequence: 1, data: { seller: { id: seller?.id } } });

  // The payload page, on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await row.getByRole("link", { name: "seller.connected" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "seller.connected" })).toBeVisible();
  await expect(page.getByLabel("Payload (JSON)")).toContainText(`"type": "seller.connected"`);
  await expect(page.getByText(got[0]?.webhookId ?? "missing")).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await keep("webhook-delivery");
  await axe(page);

  // Send test event from the dashboard.
  await page.goto(`/admin/webhooks/${endpoint?.id}`);
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText(/Test event queued/)).toBeVisible();
  await expect
    .poll(() => receiver.delivered().map((r) => r.event?.type), { timeout: 20_000 })
    .toContain("webhook.test");
});
