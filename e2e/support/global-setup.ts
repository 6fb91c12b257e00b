// Before any spec: the bootstrap admin (ADMIN_EMAIL/ADMIN_PASSWORD) signs in through the pages, is sent to
// the change-password page (the configured password must be replaced at first sign-in), chooses
// E2E_ADMIN_NEW_PASSWORD and signs in with it. Specs then sign in as the admin with that password.
import { chromium, expect as baseExpect, type FullConfig } from "@playwright/test";

// The first pages of a cold server take a while to render.
const expect = baseExpect.configure({ timeout: 30_000 });

export default async function globalSetup(config: FullConfig): Promise<void> {
  const email = "admin@e2e.test";
  const initial = process.env.ADMIN_PASSWORD;
  const chosen = process.env.E2E_ADMIN_NEW_PASSWORD;
  if (!initial || !chosen)
    throw new Error("ADMIN_PASSWORD / E2E_ADMIN_NEW_PASSWORD are not set: run the specs through `npm run e2e`");
  const use = config.projects[0]?.use ?? {};
  const browser = await chromium.launch(use.launchOptions);
  try {
    const page = await browser.newPage({ baseURL: use.baseURL });
    const signIn = async (password: string) => {
      await page.goto("/admin/sign-in");
      await page.getByLabel("E-mail").fill(email);
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
    };
    await signIn(initial);
    await expect(page).toHaveURL(/\/admin\/account\/password$/);
    await expect(page.getByText("came from the server's configuration")).toBeVisible();
    // Nothing else is reachable until the password is changed.
    await page.goto("/admin/sellers");
    await expect(page).toHaveURL(/\/admin\/account\/password$/);
    await page.getByLabel("Current password").fill(initial);
    await page.getByLabel("New password", { exact: true }).fill(chosen);
    await page.getByLabel("Repeat the new password").fill(chosen);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/admin\/sign-in\?passwordChanged=1/);
    await signIn(chosen);
    await expect(page).toHaveURL(/\/admin(\/sellers)?$/);
  } finally {
    await browser.close();
  }
}
