// The seller's journey end to end: an onboarding link made by `npm run seller:link`, the onboarding page,
// Connect Noon account, Approve (or Decline) on the Noon simulator's consent page, the result page; then
// the database and the Secrets Manager simulator are checked for what the connection must have left.
import { spawn } from "node:child_process";
import { createHash, createPrivateKey, randomUUID } from "node:crypto";
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import AxeBuilder from "@axe-core/playwright";
import pg from "pg";
import { expectCallbackHeaders } from "./support/callback-headers";
import { expect, test } from "./support/fixtures";

const databaseUrl = process.env.DATABASE_URL ?? "";
const noonSim = process.env.E2E_NOON_SIM_URL ?? "";
const awsSim = process.env.E2E_AWS_SIM_URL ?? "";

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Runs `npm run seller:link -- --name … --json` with this run's configuration; returns its JSON line. */
function sellerLink(name: string): Promise<{ sellerId: string; url: string; expiresAt: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "npm",
      ["run", "--silent", "seller:link", "--", "--name", name, "--external-id", `e2e-${randomUUID()}`, "--json"],
      {
        env: process.env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
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
      resolve(JSON.parse(line) as { sellerId: string; url: string; expiresAt: string });
    });
  });
}

async function noonCounters(): Promise<Record<string, { received: number; succeeded: number }>> {
  return (await (await fetch(`${noonSim}/__sim/counters`)).json()) as Record<
    string,
    { received: number; succeeded: number }
  >;
}

test("a seller connects their Noon account and the key lands in the secret store", async ({ page, keep }) => {
  const name = `E2E Shop ${randomUUID().slice(0, 6)}`;
  const link = await sellerLink(name);
  expect(new URL(link.url).pathname).toMatch(/^\/onboard\/[A-Za-z0-9_-]{43}$/);

  await page.goto(link.url);
  await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${name}` })).toBeVisible();
  await expect(page.getByText("No Noon account is connected yet.")).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  await keep("seller-onboard");

  const exchangesBefore = (await noonCounters()).exchange?.succeeded ?? 0;
  await page.getByRole("button", { name: "Connect Noon account" }).click();
  await expect(page).toHaveURL(new RegExp(`^${noonSim.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/authorize`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Allow this application");
  await page.getByLabel("Seller project code").fill("PRJ77001");
  const resultResponse = page.waitForResponse(
    (r) => r.url().includes("/onboard/result/") && r.request().method() === "GET",
  );
  const callbackResponse = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/noon/callback");
  await page.getByRole("button", { name: "Approve" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Your Noon account is connected" })).toBeVisible();
  await expect(page.getByText("PRJ77001")).toBeVisible();
  const response = await resultResponse;
  expect(response.headers()["cache-control"]).toContain("no-store");
  // The callback's own answer (served without proxy.ts): a 303 to the result page with every header.
  const callback = await callbackResponse;
  expect(callback.status()).toBe(303);
  await expectCallbackHeaders(callback, "callback 303 (approved)");
  await expect(page.locator('meta[name="referrer"]')).toHaveAttribute("content", "no-referrer");
  const reference = new URL(page.url()).pathname.split("/").pop() ?? "";
  expect(reference).toMatch(/^NA-[0-9A-Z]{8}$/);
  await expect(page.getByText(reference)).toBeVisible();
  await keep("seller-connected");
  expect((await noonCounters()).exchange?.succeeded).toBe(exchangesBefore + 1);

  const [auth] = await query<{
    status: string;
    oauth_request_id: string | null;
    project_code: string | null;
    seller_id: string;
  }>("SELECT status, oauth_request_id, project_code, seller_id FROM noon_authorizations WHERE reference = $1", [
    reference,
  ]);
  expect(auth).toMatchObject({ status: "COMPLETED", project_code: "PRJ77001", seller_id: link.sellerId });
  expect(auth?.oauth_request_id).toMatch(/^[0-9a-f-]{36}$/);
  const [credential] = await query<{ status: string; key_id: string; secret_name: string; secret_arn: string | null }>(
    "SELECT c.status, c.key_id, c.secret_name, c.secret_arn FROM seller_credentials c JOIN noon_authorizations a ON a.id = c.authorization_id WHERE a.reference = $1",
    [reference],
  );
  expect(credential?.status).toBe("ACTIVE");
  expect(credential?.secret_name).toContain(`noon/sellers/PRJ77001/${credential?.key_id}`);
  const events = async () =>
    (
      await query<{ type: string }>(
        "SELECT e.type FROM noon_authorization_events e JOIN noon_authorizations a ON a.id = e.authorization_id WHERE a.reference = $1 ORDER BY e.id",
        [reference],
      )
    ).map((e) => e.type);
  // The story ends with the first verification of the key, a job that runs a few seconds after storing.
  await expect
    .poll(events, { timeout: 30_000 })
    .toEqual(["started", "callback_received", "token_created", "exchanged", "key_stored", "completed", "key_verified"]);

  // The Secrets Manager simulator holds the key Noon issued: one version, the PEM exactly as Noon sends it.
  const sm = new SecretsManagerClient({ endpoint: awsSim, region: process.env.AWS_REGION ?? "us-east-1" });
  const secret = await sm.send(new GetSecretValueCommand({ SecretId: credential?.secret_name ?? "" }));
  expect(secret.ARN).toBe(credential?.secret_arn);
  const pem = secret.SecretString ?? "";
  expect(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
  expect(createPrivateKey(pem).asymmetricKeyType).toBe("rsa");
  // …and it is exactly the key the Noon simulator issued for this key id (compared by SHA-256).
  const issued = (await (await fetch(`${noonSim}/__sim/issued-keys`)).json()) as {
    keys: { keyId: string; sha256: string }[];
  };
  const issuedKey = issued.keys.find((k) => k.keyId === credential?.key_id);
  expect(issuedKey?.sha256).toBe(createHash("sha256").update(pem).digest("hex"));
  const described = await sm.send(new DescribeSecretCommand({ SecretId: credential?.secret_name ?? "" }));
  expect(Object.keys(described.VersionIdsToStages ?? {})).toHaveLength(1);

  // The link has done its job: it says so, and this browser (the seller's session) still sees the connection.
  await page.goto(link.url);
  await expect(page.getByRole("heading", { level: 1, name: "This link has already been used" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Connect/ })).toHaveCount(0);
  await expect(page.getByRole("listitem").filter({ hasText: "PRJ77001" })).toContainText("Connected");
  await keep("seller-onboard-after");
  // Another browser holding the link learns only that it was used.
  const other = await page.context().browser()?.newPage();
  if (other) {
    await other.goto(link.url);
    await expect(other.getByRole("heading", { level: 1, name: "This link has already been used" })).toBeVisible();
    await expect(other.getByText("PRJ77001")).toHaveCount(0);
    await other.close();
  }
});

test("a seller who declines on Noon sees that nothing was connected and can try again", async ({ page, keep }) => {
  const link = await sellerLink(`E2E Decliner ${randomUUID().slice(0, 6)}`);
  await page.goto(link.url);
  const createsBefore = (await noonCounters()).create?.received ?? 0;
  await page.getByRole("button", { name: "Connect Noon account" }).click();
  const callbackResponse = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/noon/callback");
  await page.getByRole("button", { name: "Decline" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "The connection was not approved" })).toBeVisible();
  const callback = await callbackResponse;
  expect(callback.status()).toBe(303);
  await expectCallbackHeaders(callback, "callback 303 (declined)");
  await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  await keep("seller-declined");
  const reference = new URL(page.url()).pathname.split("/").pop() ?? "";
  const [auth] = await query<{ status: string }>("SELECT status FROM noon_authorizations WHERE reference = $1", [
    reference,
  ]);
  expect(auth?.status).toBe("DECLINED");
  expect((await noonCounters()).create?.received ?? 0).toBe(createsBefore);

  // Try again goes back to Noon's consent page with a fresh request.
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
  const rows = await query<{ n: string }>("SELECT count(*)::text AS n FROM noon_authorizations WHERE seller_id = $1", [
    link.sellerId,
  ]);
  expect(rows[0]?.n).toBe("2");
});

test("unknown links and forged callbacks get clear pages, not stack traces", async ({ page, keep }) => {
  await page.goto(`/onboard/${"x".repeat(43)}`);
  await expect(page.getByRole("heading", { level: 1, name: "This link does not work" })).toBeVisible();
  await keep("seller-link-unknown");
  const response = await page.goto("/api/noon/callback?code=abc&state=forged");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("heading", { level: 1, name: "We could not complete the connection" })).toBeVisible();
  await keep("seller-callback-rejected");
});

test("seller pages and the callback are served with Referrer-Policy: no-referrer and Cache-Control: no-store", async ({
  request,
}) => {
  // The onboarding page carries the link token in its URL; the callback carries the code and state.
  for (const path of [`/onboard/${"x".repeat(43)}`, "/onboard/result/NA-00000000", "/api/noon/callback?state=forged"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.headers()["referrer-policy"], path).toBe("no-referrer");
    expect(response.headers()["cache-control"], path).toContain("no-store");
  }
});
