// Nothing lost: the store fails → a sealed pending copy and the caller's state commit together → the retry
// stores it byte for byte and erases the copy; store and database both failing → "lost" with one alert line.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret, keepOutput, RUN_DIR } from "@/tests/support/secret-scan";
import { db, type Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { stopJobWorkers } from "@/lib/jobs";
import {
  createSecretStore,
  onPendingSecretStored,
  pendingRetryDelayMs,
  retryPendingSecret,
  sellerKeySecretName,
  storeSecretDurably,
  type PendingStoredInfo,
} from "@/lib/secrets";
import { runRetryPendingSecretJob } from "@/lib/secrets/pending";
import { clientFor, startAwsForTests, freshPrivateKeyPem } from "@/tests/support/aws-sim";
import type { StartedSecretsManagerSimulator } from "@/simulators/aws-secrets/index";

let sim: StartedSecretsManagerSimulator;
const completed: PendingStoredInfo[] = [];

beforeAll(async () => {
  sim = await startAwsForTests();
  onPendingSecretStored("seller-key", async (tx, info) => {
    // Runs in the transaction that erases the sealed copy.
    expect(await tx.pendingSecret.findUnique({ where: { id: info.pendingId } })).toBeNull();
    completed.push(info);
  });
});
afterAll(async () => {
  await stopJobWorkers();
  await sim?.close();
});

const awsStore = () => createSecretStore({ backend: "aws", maxAttempts: 2 });

describe("storeSecretDurably", () => {
  it("stored: the store takes it, the caller's state is written in a transaction", async () => {
    const value = await freshPrivateKeyPem();
    rememberSecret(value);
    const name = sellerKeySecretName(`PRJ${randomUUID().slice(0, 8)}`, randomUUID());
    let recorded: string | undefined;
    const result = await storeSecretDurably(
      {
        input: { name, value, kind: "seller-key", idempotencyKey: `auth-${randomUUID()}` },
        onStored: async (tx, ref) => {
          await tx.pendingSecret.count();
          recorded = ref.versionId;
        },
        onPending: async () => {
          throw new Error("not expected");
        },
      },
      { store: awsStore() },
    );
    expect(result.outcome).toBe("stored");
    expect(recorded).toBe(result.outcome === "stored" ? result.ref.versionId : "none");
    expect(sim.currentValue(name)).toBe(value);
  });

  it("outage: the next N writes fail → pending (sealed, with the caller's state) → retries → stored byte for byte, copy erased", async () => {
    const value = await freshPrivateKeyPem();
    rememberSecret(value);
    const name = sellerKeySecretName(`PRJ${randomUUID().slice(0, 8)}`, randomUUID());
    const authorizationId = randomUUID();
    // Every SDK attempt fails: 2 attempts per put → the first put and the first retry fail, the second retry succeeds.
    sim.setFaults({ failNext: 4 }, "CreateSecret");

    let pendingSeenInTx: boolean | undefined;
    const result = await storeSecretDurably(
      {
        input: {
          name,
          value,
          kind: "seller-key",
          idempotencyKey: `noon-authorization-${authorizationId}`,
          tags: { authorization: authorizationId },
        },
        authorizationId,
        onStored: async () => {
          throw new Error("not expected");
        },
        onPending: async (tx, pendingId, error) => {
          expect(error.kind).toBe("unreachable");
          pendingSeenInTx = (await tx.pendingSecret.findUnique({ where: { id: pendingId } })) !== null;
        },
      },
      { store: awsStore() },
    );
    expect(result.outcome).toBe("pending");
    if (result.outcome !== "pending") return;
    expect(pendingSeenInTx).toBe(true);

    const row = await db().pendingSecret.findUniqueOrThrow({
      where: { id: result.pendingId },
      omit: { sealed: false },
    });
    expect(row.secretName).toBe(name);
    expect(row.authorizationId).toBe(authorizationId);
    expect(row.attempts).toBe(1);
    expect(Buffer.from(row.sealed).includes(Buffer.from(value.split("\n")[1] ?? value))).toBe(false);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(sim.currentValue(name)).toBeUndefined();

    const second = await runRetryPendingSecretJob({ pendingId: result.pendingId }, { store: awsStore() });
    expect(second).toMatchObject({ status: "waiting", attempts: 2 });
    const afterSecond = await db().pendingSecret.findUniqueOrThrow({ where: { id: result.pendingId } });
    expect(afterSecond.attempts).toBe(2);
    expect(afterSecond.lastError).toContain("Secrets Manager did not accept CreateSecret");

    const third = await retryPendingSecret(result.pendingId, { store: awsStore() });
    expect(third.status).toBe("stored");
    expect(third).toMatchObject({ attempts: 3 });

    const stored = sim.currentValue(name);
    expect(stored !== undefined && Buffer.from(stored).equals(Buffer.from(value))).toBe(true);
    expect(await db().pendingSecret.findUnique({ where: { id: result.pendingId } })).toBeNull();
    const info = completed.find((c) => c.pendingId === result.pendingId);
    expect(info).toMatchObject({ authorizationId, attempts: 3, secretName: name, kind: "seller-key" });
    expect(info?.ref.name).toBe(name);

    // A stray job after completion finds nothing to do.
    expect(await retryPendingSecret(result.pendingId, { store: awsStore() })).toEqual({ status: "gone" });
    // One version only.
    expect(Object.keys((await awsStore().describe(name)).versions)).toHaveLength(1);
  });

  it("a lost answer while pending: the retry's same token makes no second version", async () => {
    const value = `connection-secret-${randomUUID()}`;
    rememberSecret(value);
    const name = `test/pending/lost-answer/${randomUUID()}`;
    sim.setFaults({ failAfterCommitNext: 2 }, "CreateSecret");
    const result = await storeSecretDurably(
      { input: { name, value, kind: "connection-secret", idempotencyKey: `c-${randomUUID()}` } },
      { store: awsStore() },
    );
    expect(result.outcome).toBe("pending");
    if (result.outcome !== "pending") return;
    expect(sim.currentValue(name)).toBe(value); // it did arrive; only the answers were lost
    const retried = await retryPendingSecret(result.pendingId, { store: awsStore() });
    expect(retried.status).toBe("stored");
    expect(Object.keys((await awsStore().describe(name)).versions)).toHaveLength(1);
    sim.faults.reset();
  });

  it("a newer value for the same secret replaces the older pending copy", async () => {
    const name = `test/pending/replace/${randomUUID()}`;
    const [v1, v2] = [`old-${randomUUID()}`, `new-${randomUUID()}`];
    rememberSecret(v1);
    rememberSecret(v2);
    sim.setFaults({ failNext: 4 }, "CreateSecret");
    const first = await storeSecretDurably(
      { input: { name, value: v1, kind: "connection-secret", idempotencyKey: `a-${randomUUID()}` } },
      { store: awsStore() },
    );
    const second = await storeSecretDurably(
      { input: { name, value: v2, kind: "connection-secret", idempotencyKey: `b-${randomUUID()}` } },
      { store: awsStore() },
    );
    expect(first.outcome).toBe("pending");
    expect(second.outcome).toBe("pending");
    if (first.outcome !== "pending" || second.outcome !== "pending") return;
    expect(await retryPendingSecret(first.pendingId, { store: awsStore() })).toEqual({ status: "gone" });
    expect((await retryPendingSecret(second.pendingId, { store: awsStore() })).status).toBe("stored");
    expect(sim.currentValue(name)).toBe(v2);
    sim.faults.reset();
  });

  it("sealedRows commit with the seal; rows that fail leave the secret sealed alone, and it is stored", async () => {
    for (const failing of [false, true]) {
      const value = await freshPrivateKeyPem();
      rememberSecret(value);
      const name = sellerKeySecretName(`PRJ${randomUUID().slice(0, 8)}`, randomUUID());
      const stream = `test:sealed-rows:${randomUUID()}`;
      let sealedAs: string | undefined;
      let completedAs: string | undefined;
      const result = await storeSecretDurably(
        {
          input: { name, value, kind: "seller-key", idempotencyKey: `rows-${randomUUID()}` },
          sealedRows: () => [
            Prisma.sql`INSERT INTO webhook_streams (stream, last_sequence) VALUES (${stream}, 7)`,
            // An event of a request that does not exist: the foreign key refuses it, and the statement with it.
            ...(failing
              ? [
                  Prisma.sql`INSERT INTO noon_authorization_events (authorization_id, type) VALUES (${randomUUID()}::uuid, 'x')`,
                ]
              : []),
          ],
          completeStored: async (pendingId) => {
            sealedAs = (await db().pendingSecret.findUnique({ where: { id: pendingId } }))?.id;
            completedAs = pendingId;
            return false; // the general transaction erases it
          },
          onStored: async (tx) => {
            expect(await tx.pendingSecret.count({ where: { secretName: name } })).toBe(0);
          },
        },
        { store: awsStore() },
      );
      expect(result.outcome).toBe("stored");
      expect(sim.currentValue(name)).toBe(value);
      expect(sealedAs).toBe(completedAs);
      expect(await db().pendingSecret.count({ where: { secretName: name } })).toBe(0);
      // Committed with the seal; after a failure, the rows are tried again on their own and fail again.
      expect(await db().webhookStream.count({ where: { stream } })).toBe(failing ? 0 : 1);
    }
  });

  it("lost: store and database both fail → one alert line, no key in it", async () => {
    const value = await freshPrivateKeyPem();
    rememberSecret(value);
    const name = sellerKeySecretName("PRJLOST", randomUUID());
    const deadDb = (await clientFor("postgresql://nobody:nothing@127.0.0.1:1/none", {
      connectionTimeoutMillis: 500,
    })) satisfies Db;
    const deadStore = createSecretStore({
      backend: "aws",
      maxAttempts: 1,
      clientConfig: { endpoint: "http://127.0.0.1:1" },
    });
    const authorizationId = randomUUID();
    const result = await storeSecretDurably(
      {
        input: { name, value, kind: "seller-key", idempotencyKey: `x-${randomUUID()}` },
        authorizationId,
        onPending: async () => {},
      },
      { store: deadStore, db: deadDb },
    );
    expect(result.outcome).toBe("lost");
    if (result.outcome !== "lost") return;
    keepOutput("pending-lost-alert.txt", result.alert);
    expect(result.alert).toMatch(/^ALERT secret lost: seller-key /);
    expect(result.alert).toContain(name);
    expect(result.alert).toContain(authorizationId);
    expect(result.alert).not.toContain("PRIVATE KEY");
    const logLines = readFileSync(path.join(RUN_DIR, "app.log"), "utf8")
      .split("\n")
      .filter((l) => l.includes(authorizationId) && l.includes("secret-lost"));
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0] ?? "{}")).toMatchObject({
      level: 60,
      alert: "secret-lost",
      secretName: name,
      msg: result.alert,
    });
    await deadDb.$disconnect();
  });

  it("backs off 5 s, 10 s, 20 s … up to 10 minutes", () => {
    expect([1, 2, 3, 4].map(pendingRetryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(pendingRetryDelayMs(8)).toBe(600_000);
    expect(pendingRetryDelayMs(50)).toBe(600_000);
  });
});
