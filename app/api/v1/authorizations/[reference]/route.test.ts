// GET /api/v1/authorizations/{reference}: one request of the real Noon flow with its whole timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { COMPLETED_TIMELINE, rememberIssued, startHarness, type Harness } from "@/tests/support/noon-harness";
import type { AuthorizationView } from "@/lib/api-v1/schemas";
import { answer, APP, bearer, testApiKey } from "@/tests/support/api";
import { sellerWithNoonHistory } from "@/tests/support/noon-seller";
import { GET } from "./route";

const get = (reference: string, key: string | null) =>
  GET(new Request(`${APP}/api/v1/authorizations/${encodeURIComponent(reference)}`, { headers: bearer(key) }), {
    params: Promise.resolve({ reference }),
  });

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness();
  key = (await testApiKey(["sellers:read"])).key;
});
afterAll(async () => {
  await h.close();
});

describe("GET /api/v1/authorizations/{reference}", () => {
  it("answers a superseded request with its key by reference and every step; a failed one with its failure", async () => {
    const { seller, externalId, references } = await sellerWithNoonHistory(h);
    rememberIssued(h.sim);
    const res = await answer<AuthorizationView>("v1-authorization.json", await get(references.superseded, key));
    expect(res.status).toBe(200);
    const row = await db().noonAuthorization.findUniqueOrThrow({
      where: { reference: references.superseded },
      include: { events: { orderBy: { id: "asc" } }, credential: true },
    });
    expect(res.body).toMatchObject({
      reference: references.superseded,
      status: "superseded",
      seller: { id: seller.id, externalId, name: "Oasis Goods" },
      projectCode: "PRJ100001",
      oauthRequestId: row.oauthRequestId,
      failure: null,
      credential: {
        id: row.credential?.id,
        status: "superseded",
        authorizationReference: references.superseded,
        secret: { name: row.credential?.secretName },
      },
    });
    expect(res.body.timeline.map((e) => e.type)).toEqual([...COMPLETED_TIMELINE, "superseded"]);
    expect(res.body.timeline.map((e) => e.at)).toEqual(row.events.map((e) => e.at.toISOString()));
    expect(res.body.timeline.find((e) => e.type === "exchanged")?.details).toMatchObject({
      keyId: row.credential?.keyId,
      projectCode: "PRJ100001",
    });

    const failed = await answer<AuthorizationView>(
      "v1-authorization.json",
      await get(references.failed.toLowerCase(), key),
    );
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      reference: references.failed,
      status: "failed",
      credential: null,
      failure: { stage: "token_exchange" },
    });
    expect(failed.body.timeline.at(-1)).toMatchObject({ type: "failed", stage: "token_exchange" });
  });

  it("answers 400 for a malformed reference, 404 for an unknown one, 401 and 403 for the wrong key", async () => {
    const bad = await answer<{ error: { message: string } }>("v1-authorization-400.json", await get("12345", key));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/looks like NA-7K3Q9XWD/);
    const missing = await answer<{ error: { code: string; message: string } }>(
      "v1-authorization-404.json",
      await get("NA-00000000", key),
    );
    expect(missing).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: "No authorization has the reference NA-00000000." } },
    });
    expect((await get("NA-00000000", null)).status).toBe(401);
    expect((await get("NA-00000000", (await testApiKey(["onboarding-links"])).key)).status).toBe(403);
  });
});
