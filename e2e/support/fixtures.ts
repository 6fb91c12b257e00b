import { mkdirSync, appendFileSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";

const runDir = process.env.E2E_RUN_DIR ?? path.join(process.cwd(), ".data", "e2e-run");

/** Keep what a page showed, for the end-of-run secret scan. */
export async function keepPage(page: Page, name: string) {
  const dir = path.join(runDir, "pages");
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, `${name.replace(/[^a-z0-9_-]/gi, "_")}.html`), (await page.content()) + "\n");
}

export const test = base.extend<{ keep: (name: string) => Promise<void> }>({
  keep: async ({ page }, use) => {
    await use((name) => keepPage(page, name));
  },
});

export { expect };
