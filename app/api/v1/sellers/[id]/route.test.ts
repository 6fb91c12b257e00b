// GET /api/v1/sellers/{id}: a seller connected through the real Noon flow (simulator), by reference only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { rememberIssued, startHarness, type Harness } from "@/tests/support/noon-harness";
import type { SellerView } from "@/lib/api-v1/schemas";
import { answer, APP, bearer, testApiKey } from "@/tests/support/api";
import { sellerWithNoonHistory } from "@/tests/support/noon-seller";
import { GET } from "./route";

const get = (id: string, key: string | null) =>
  GET(new Request(`${APP}/api/v1/sellers/${encodeURIComponent(id)}`, { headers: bearer(key) }), {
    params: Promise.resolve({ id }),
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

describe("GET /api/v1/sellers/{id}", () => {
  it("answers the seller, its active and superseded keys by reference, and its latest (failed) authorization; never a key", async () => {
    const { seller, externalId, references } = await sellerWithNoonHistory(h);
    rememberIssued(h.sim);
    const res = await answer<SellerView>("v1-seller.json", await get(seller.id, key));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const credentials = await db().sellerCredential.findMany({
      where: { sellerId: seller.id },
      include: { authorization: true },
    });
    const active = credentials.find((c) => c.status === "ACTIVE");
    const old = credentials.find((c) => c.status === "SUPERSEDED");
    if (!active || !old) throw new Error("the flow left no active and superseded credential");
    const failed = await db().noonAuthorization.findUniqueOrThrow({ where: { reference: references.failed } });

    expect(res.body).toEqual({
      id: seller.id,
      externalId,
      name: "Oasis Goods",
      email: "ops@oasis.test",
      createdAt: (await db().seller.findUniqueOrThrow({ where: { id: seller.id } })).createdAt.toISOString(),
      updatedAt: expect.any(String),
      connected: true,
      currentCredential: {
        id: active.id,
        status: "active",
        projectCode: "PRJ100002",
        keyId: active.keyId,
        channelIdentifier: active.channelIdentifier,
        issuedAt: active.issuedAt?.toISOString() ?? null,
        createdAt: active.createdAt.toISOString(),
        storedAt: active.storedAt?.toISOString(),
        supersededAt: null,
        authorizationReference: references.active,
        secret: { name: active.secretName, arn: active.secretArn, versionId: active.secretVersionId },
      },
      pendingCredential: null,
      supersededCredentials: [
        expect.objectContaining({
          id: old.id,
          status: "superseded",
          projectCode: "PRJ100001",
          authorizationReference: references.superseded,
          supersededAt: old.supersededAt?.toISOString(),
        }),
      ],
      latestAuthorization: {
        reference: references.failed,
        status: "failed",
        createdAt: failed.createdAt.toISOString(),
        updatedAt: failed.updatedAt.toISOString(),
        callbackAt: failed.callbackAt?.toISOString() ?? null,
        completedAt: failed.completedAt?.toISOString(),
        projectCode: failed.projectCode,
        oauthRequestId: failed.oauthRequestId,
        failure: { stage: "token_exchange", httpStatus: failed.failureHttpStatus, message: failed.failureMessage },
      },
    });
    expect(active.secretArn).toBeTruthy();
    expect(res.body.updatedAt >= failed.updatedAt.toISOString()).toBe(true);
    // The key itself is nowhere in the answer (the end-of-run scan checks every kept answer too).
    const text = JSON.stringify(res.body);
    for (const issued of h.sim.state.issuedKeys.values())
      expect(text).not.toContain(issued.privateKeyPem.split("\n")[1] ?? "-");
    // Upper-case ids are the same id.
    expect((await get(seller.id.toUpperCase(), key)).status).toBe(200);
  });

  it("answers 400 for something that is not an id, 404 for an unknown one, 401 and 403 for the wrong key", async () => {
    const bad = await answer<{ error: { code: string; message: string } }>(
      "v1-seller-400.json",
      await get("acme-1", key),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/use GET \/api\/v1\/sellers\?externalId=/);
    const unknown = crypto.randomUUID();
    const missing = await answer<{ error: { code: string; message: string } }>(
      "v1-seller-404.json",
      await get(unknown, key),
    );
    expect(missing).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: `No seller has the id ${unknown}.` } },
    });
    expect((await get(unknown, null)).status).toBe(401);
    expect(
      (await get(unknown, (await testApiKey(["sellers:read"], { expiresAt: new Date(Date.now() - 1) })).key)).status,
    ).toBe(401);
    expect((await get(unknown, (await testApiKey(["connection-tokens"])).key)).status).toBe(403);
  });
});
