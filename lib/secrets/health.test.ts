// /api/health reports the secret store next to the database.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkHealth } from "@/lib/health";

describe("health: secret store probe", () => {
  it("reports the configured secret store (local in tests) as answering", async () => {
    // The first query of a fresh client (connect, load) may take longer than the check's 3 s limit.
    await db().$queryRaw`SELECT 1`;
    const report = await checkHealth();
    expect(report.checks.secretStore).toMatchObject({ ok: true });
    expect(report.checks.database).toMatchObject({ ok: true });
  });
});
