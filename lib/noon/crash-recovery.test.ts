// A process that dies mid-callback loses no key: the key is sealed before the store is called, and
// whichever process takes the expired lease stores it (the same ClientRequestToken: one version) and
// completes the request. A callback that died before the seal is closed as failed with its stage.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerBackgroundWork } from "@/lib/server/start";
import { db } from "@/lib/db/client";
import { createSecretStore, retryPendingSecret, type SecretStore } from "@/lib/secrets";
import { startAwsForTests } from "@/tests/support/aws-sim";
import type { StartedSecretsManagerSimulator } from "@/simulators/aws-secrets/index";
import { CALLBACK_ABANDONED_AFTER_MS, closeAbandonedCallbacks, recordEvent } from "./authorizations";
import {
  callback,
  connectAndApprove,
  rememberIssued,
  sellerWithLink,
  startHarness,
  type Harness,
} from "@/tests/support/noon-harness";

let h: Harness;
let aws: StartedSecretsManagerSimulator;
const awsStore = () => createSecretStore({ backend: "aws", maxAttempts: 1 });

beforeAll(async () => {
  registerBackgroundWork(); // the completion hook, as every process registers it at start
  [h, aws] = await Promise.all([startHarness(), startAwsForTests()]);
});
afterAll(async () => {
  await h?.close();
  await aws?.close();
});
beforeEach(() => rememberIssued(h.sim));

/** A store whose put never answers (optionally after the write reached AWS): the process "dies" in it. */
function dyingStore(opts: { writeFirst: boolean }): { store: SecretStore; entered: Promise<void> } {
  const real = awsStore();
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  return {
    entered,
    store: {
      ...real,
      put: async (input) => {
        if (opts.writeFirst) await real.put(input);
        enter();
        return new Promise(() => undefined);
      },
    },
  };
}

/** What a dead owner leaves: its lease, expired. */
async function ownerDied(authorizationId: string) {
  await db().$executeRaw`
    UPDATE pending_secrets SET lease_owner = 'dead-host/4242/abcdef', lease_expires_at = now() - interval '1 second'
     WHERE authorization_id = ${authorizationId}::uuid`;
}

async function authorization(sellerId: string) {
  return db().noonAuthorization.findFirstOrThrow({
    where: { sellerId },
    include: { events: { orderBy: { id: "asc" } }, credential: true },
  });
}

describe("a process dies while the key is being stored", () => {
  for (const writeFirst of [false, true]) {
    it(
      writeFirst
        ? "after the write reached AWS: recovery makes no second version"
        : "before the write reached AWS: recovery stores it",
      async () => {
        const { seller, link } = await sellerWithLink();
        const start = await connectAndApprove(h, link.token);
        const dying = dyingStore({ writeFirst });
        void callback(
          h,
          [
            ["code", start.code],
            ["state", start.state],
          ],
          start.cookie,
          { store: dying.store },
        );
        await dying.entered;

        // Already durable, before the store answered: the sealed key, the credential awaiting storage, the exchange.
        let auth = await authorization(seller.id);
        expect(auth.status).toBe("STARTED");
        expect(auth.credential?.status).toBe("PENDING_STORAGE");
        expect(auth.events.map((e) => e.type)).toEqual(["started", "callback_received", "token_created", "exchanged"]);
        const pending = await db().pendingSecret.findFirstOrThrow({ where: { authorizationId: auth.id } });
        expect(pending.leaseOwner).toBeTruthy();

        // While the owner's lease runs, nobody else touches it.
        expect(await retryPendingSecret(pending.id, { store: awsStore() })).toEqual({ status: "busy" });

        await ownerDied(auth.id);
        const recovered = await retryPendingSecret(pending.id, { store: awsStore() });
        expect(recovered.status).toBe("stored");

        auth = await authorization(seller.id);
        expect(auth.status).toBe("COMPLETED");
        expect(auth.credential?.status).toBe("ACTIVE");
        expect(auth.events.find((e) => e.type === "key_stored")?.message).toBe(
          "Key stored after 1 attempt (picked up after the server handling the callback stopped)",
        );
        expect(await db().pendingSecret.count({ where: { authorizationId: auth.id } })).toBe(0);
        const issued = h.sim.state.issuedKeys.get(auth.credential?.keyId ?? "");
        const stored = aws.currentValue(auth.credential?.secretName ?? "");
        expect(stored !== undefined && Buffer.from(stored).equals(Buffer.from(issued?.privateKeyPem ?? "-"))).toBe(
          true,
        );
        expect(Object.keys((await awsStore().describe(auth.credential?.secretName ?? "")).versions)).toHaveLength(1);
      },
    );
  }
});

describe("a callback abandoned before its key was sealed", () => {
  it("is closed as failed with the stage it stopped in, once, by the sweep", async () => {
    const { seller, link } = await sellerWithLink();
    await connectAndApprove(h, link.token);
    const auth = await authorization(seller.id);
    // What a process killed during token/exchange leaves behind.
    const longAgo = new Date(Date.now() - CALLBACK_ABANDONED_AFTER_MS - 60_000);
    await db().noonAuthorization.update({ where: { id: auth.id }, data: { callbackAt: longAgo } });
    await recordEvent(db(), { authorizationId: auth.id, type: "callback_received", at: longAgo });
    await recordEvent(db(), { authorizationId: auth.id, type: "token_created", at: longAgo, stage: "token_create" });

    expect(await closeAbandonedCallbacks()).toBeGreaterThanOrEqual(1);
    const closed = await authorization(seller.id);
    expect(closed.status).toBe("FAILED");
    expect(closed.failureStage).toBe("token_exchange");
    expect(closed.failureMessage).toMatch(
      /^The server handling this callback stopped during token\/exchange .*Ask the seller to connect again\.$/,
    );
    expect(closed.events.at(-1)).toMatchObject({ type: "failed", stage: "token_exchange" });
    // A second sweep changes nothing.
    await closeAbandonedCallbacks();
    expect((await authorization(seller.id)).events.filter((e) => e.type === "failed")).toHaveLength(1);
  });

  it("leaves a recent callback, and one whose key is sealed, to finish", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const dying = dyingStore({ writeFirst: false });
    void callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
      { store: dying.store },
    );
    await dying.entered;
    const auth = await authorization(seller.id);
    await db().noonAuthorization.update({
      where: { id: auth.id },
      data: { callbackAt: new Date(Date.now() - CALLBACK_ABANDONED_AFTER_MS - 60_000) },
    });
    await closeAbandonedCallbacks();
    expect((await authorization(seller.id)).status).toBe("STARTED");
    await ownerDied(auth.id);
    const pending = await db().pendingSecret.findFirstOrThrow({ where: { authorizationId: auth.id } });
    expect((await retryPendingSecret(pending.id, { store: awsStore() })).status).toBe("stored");
    expect((await authorization(seller.id)).status).toBe("COMPLETED");
  });
});
