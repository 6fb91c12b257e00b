// Any input, no 5xx: the property-based fuzz run of tests/fuzz/fuzz.ts against the production server,
// over every page, route handler and server action (anonymous, and as admin so every input check is
// reached). Bounded (FUZZ_RUNS cases per target and caller, default 16); `npm run bench -- fuzz` runs longer.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest } from "@playwright/test";
import { test, expect } from "./support/fixtures";
import { dbQuery, e2eAdmin, signInWith } from "./support/auth";
import { actionIdsFromManifest, runFuzz } from "../tests/fuzz/fuzz";

const baseURL = `http://localhost:${process.env.E2E_PORT ?? 3100}`;

test("every route, page and action answers hostile input without a 5xx, an unescaped echo or a stray write", async () => {
  test.setTimeout(15 * 60_000);
  const context = await playwrightRequest.newContext({ baseURL });
  try {
    await signInWith(context, e2eAdmin());
    const cookie = (await context.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const manifest = JSON.parse(
      readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8"),
    ) as Parameters<typeof actionIdsFromManifest>[0];
    const report = await runFuzz({
      baseUrl: baseURL,
      databaseUrl: process.env.DATABASE_URL ?? "",
      actionIds: actionIdsFromManifest(manifest),
      cookies: { admin: cookie },
      runs: Number(process.env.FUZZ_RUNS ?? 16),
      // One seed unless FUZZ_SEED says otherwise, so a test run is repeatable; `npm run bench -- fuzz` explores new seeds.
      seed: Number(process.env.FUZZ_SEED ?? 1),
    });
    const total = Object.values(report.cases).reduce((a, b) => a + b, 0);
    console.log(`Fuzz: ${total} cases over ${Object.keys(report.cases).length} targets`);
    for (const [target, n] of Object.entries(report.cases)) console.log(`  ${String(n).padStart(5)}  ${target}`);
    if (process.env.E2E_RUN_DIR)
      writeFileSync(path.join(process.env.E2E_RUN_DIR, "fuzz-report.json"), JSON.stringify(report, null, 2));
    expect(report.problems).toEqual([]);
  } finally {
    await context.dispose();
    // The fuzzed sign-ins counted as failures of this machine's address: later specs must still sign in.
    await dbQuery(`DELETE FROM sign_in_throttles`);
  }
});
