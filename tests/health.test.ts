// /api/health answers 200 while the database answers and 503 once it is stopped (a real PostgreSQL).
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, tempDataDir, type EmbeddedPostgres } from "../scripts/lib/embedded-pg";
import { keepOutput } from "./support/secret-scan";

describe("GET /api/health", () => {
  let pg: EmbeddedPostgres | undefined;
  afterAll(async () => {
    await pg?.stop();
  });

  it("answers 200 when the database answers and 503 when it is stopped", async () => {
    // Its own database server, so stopping it does not disturb the other tests.
    pg = await startEmbeddedPostgres({ dataDir: await tempDataDir(), port: 0, persistent: false });
    process.env.DATABASE_URL = pg.connectionString;
    const { GET } = await import("@/app/api/health/route");

    const up = await GET();
    expect(up.status).toBe(200);
    expect(up.headers.get("cache-control")).toBe("no-store");
    const upBody = (await up.json()) as { status: string };
    expect(upBody.status).toBe("ok");

    await pg.stop();
    pg = undefined;
    const down = await GET();
    expect(down.status).toBe(503);
    const downText = await down.text();
    keepOutput("health-503.json", downText);
    expect(JSON.parse(downText)).toMatchObject({ status: "unavailable", checks: { database: { ok: false } } });
    // No internal detail (connection strings, hosts) in the answer.
    expect(downText).not.toContain("127.0.0.1");
  });
});
