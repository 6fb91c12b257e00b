// One contract, both backends: the `aws` backend through the real SDK client against the Secrets Manager
// simulator, the `local` backend against the run's PostgreSQL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret, keepOutput } from "@/tests/support/secret-scan";
import { createSecretStore, SecretStoreError, type SecretStore } from "@/lib/secrets";
import { startAwsForTests, freshPrivateKeyPem } from "@/tests/support/aws-sim";
import type { StartedSecretsManagerSimulator } from "@/simulators/aws-secrets/index";

let sim: StartedSecretsManagerSimulator;

beforeAll(async () => {
  sim = await startAwsForTests();
});
afterAll(async () => {
  await sim?.close();
});

const backends: ["aws" | "local", () => SecretStore][] = [
  ["aws", () => createSecretStore({ backend: "aws", maxAttempts: 3 })],
  ["local", () => createSecretStore({ backend: "local" })],
];

const uniqueName = (label: string) => `test/${label}/${randomUUID()}`;

describe.each(backends)("secret store contract: %s", (backend, make) => {
  it("round trip: put then get returns the value byte for byte, and a reference without it", async () => {
    const store = make();
    expect(store.backend).toBe(backend);
    const value = await freshPrivateKeyPem();
    rememberSecret(value);
    const name = uniqueName("round-trip");
    const ref = await store.put({
      name,
      value,
      kind: "seller-key",
      idempotencyKey: randomUUID(),
      tags: { seller: "s-1" },
    });
    expect(ref.name).toBe(name);
    expect(ref.arn).toContain(name);
    expect(ref.versionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(ref)).not.toContain(value.slice(40, 80));
    const got = await store.get(name);
    expect(Buffer.from(got.value).equals(Buffer.from(value))).toBe(true);
    expect(got.versionId).toBe(ref.versionId);
  });

  it("idempotent: the same write again makes no second version; a new write makes AWSCURRENT and AWSPREVIOUS", async () => {
    const store = make();
    const name = uniqueName("idempotent");
    const first = `first-${randomUUID()}`;
    const second = `second-${randomUUID()}`;
    rememberSecret(first);
    rememberSecret(second);
    const key = `write-${randomUUID()}`;
    const a = await store.put({ name, value: first, kind: "connection-secret", idempotencyKey: key });
    const again = await store.put({ name, value: first, kind: "connection-secret", idempotencyKey: key });
    expect(again.versionId).toBe(a.versionId);
    expect(Object.keys((await store.describe(name)).versions)).toEqual([a.versionId]);

    const b = await store.put({
      name,
      value: second,
      kind: "connection-secret",
      idempotencyKey: `write-${randomUUID()}`,
    });
    expect(b.versionId).not.toBe(a.versionId);
    const meta = await store.describe(name);
    expect(meta.versions[b.versionId]).toEqual(["AWSCURRENT"]);
    expect(meta.versions[a.versionId]).toEqual(["AWSPREVIOUS"]);
    expect((await store.get(name)).value).toBe(second);
    expect((await store.get(name, { versionId: a.versionId })).value).toBe(first);

    // The same key with another value is refused, not silently overwritten.
    const refused = await store
      .put({ name, value: `other-${randomUUID()}`, kind: "connection-secret", idempotencyKey: key })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SecretStoreError);
    expect((refused as SecretStoreError).kind).toBe("invalid");
  });

  it("describe: metadata and tags, never the value", async () => {
    const store = make();
    const name = uniqueName("describe");
    const value = `describe-value-${randomUUID()}`;
    rememberSecret(value);
    await store.put({
      name,
      value,
      kind: "seller-key",
      idempotencyKey: randomUUID(),
      tags: { seller: "seller-42", "bad tag!": "x" },
    });
    const meta = await store.describe(name);
    const text = JSON.stringify(meta);
    keepOutput(`contract-describe-${backend}.json`, text);
    expect(text).not.toContain(value);
    expect(meta.name).toBe(name);
    expect(meta.tags).toMatchObject({
      application: "seller-onboarding",
      kind: "seller-key",
      seller: "seller-42",
      "bad tag-": "x",
    });
    expect(meta.createdAt).toBeInstanceOf(Date);
    expect(meta.deletionScheduledFor).toBeNull();
  });

  it("schedules deletion: describe shows the date, reads stop", async () => {
    const store = make();
    const name = uniqueName("delete");
    const value = `delete-value-${randomUUID()}`;
    rememberSecret(value);
    await store.put({ name, value, kind: "connection-secret", idempotencyKey: randomUUID() });
    const { deletionDate } = await store.scheduleDeletion(name, { recoveryWindowDays: 7 });
    const days = (deletionDate.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect((await store.describe(name)).deletionScheduledFor).toBeInstanceOf(Date);
    // Scheduling again keeps the first date.
    const again = await store.scheduleDeletion(name, { recoveryWindowDays: 30 });
    expect(Math.abs(again.deletionDate.getTime() - deletionDate.getTime())).toBeLessThan(1000);
    await expect(store.get(name)).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.scheduleDeletion(name, { recoveryWindowDays: 3 })).rejects.toMatchObject({ kind: "invalid" });
  });

  it("not found is its own kind", async () => {
    const store = make();
    await expect(store.get(uniqueName("missing"))).rejects.toMatchObject({ kind: "not-found" });
    await expect(store.describe(uniqueName("missing"))).rejects.toMatchObject({ kind: "not-found" });
  });

  it("probe answers", async () => {
    await expect(make().probe()).resolves.toBeUndefined();
  });
});

describe("aws backend: failures become clear SecretStoreErrors", () => {
  const store = () => createSecretStore({ backend: "aws", maxAttempts: 3 });

  it("access denied names the IAM action", async () => {
    sim.setFaults({ denyNext: 1 }, "CreateSecret");
    const name = uniqueName("denied");
    const error = await store()
      .put({ name, value: `v-${randomUUID()}`, kind: "seller-key", idempotencyKey: randomUUID() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as SecretStoreError).kind).toBe("access-denied");
    expect((error as SecretStoreError).message).toContain(
      "the app's IAM role may not have secretsmanager:CreateSecret on this secret",
    );
    expect((error as SecretStoreError).message).toContain(name);
  });

  it("throttling is retried a bounded number of times, then reported as throttled", async () => {
    sim.faults.reset();
    const before = sim.counters.get("CreateSecret").received;
    sim.setFaults({ throttleNext: 10 }, "CreateSecret");
    const error = await store()
      .put({
        name: uniqueName("throttled"),
        value: `v-${randomUUID()}`,
        kind: "seller-key",
        idempotencyKey: randomUUID(),
      })
      .catch((e: unknown) => e);
    expect((error as SecretStoreError).kind).toBe("throttled");
    expect(sim.counters.get("CreateSecret").received - before).toBe(3);
    sim.faults.reset();
  });

  it("throttling that clears within the attempts is invisible", async () => {
    sim.setFaults({ throttleNext: 2 }, "CreateSecret");
    const name = uniqueName("throttle-clears");
    const ref = await store().put({
      name,
      value: `v-${randomUUID()}`,
      kind: "seller-key",
      idempotencyKey: randomUUID(),
    });
    expect(ref.name).toBe(name);
    sim.faults.reset();
  });

  it("a lost answer (stored, then 500) is retried with the same token: one version only", async () => {
    const name = uniqueName("lost-answer");
    const value = `v-${randomUUID()}`;
    rememberSecret(value);
    sim.setFaults({ failAfterCommitNext: 1 }, "CreateSecret");
    const ref = await store().put({ name, value, kind: "seller-key", idempotencyKey: randomUUID() });
    expect(Object.keys((await store().describe(name)).versions)).toEqual([ref.versionId]);
    // And the same for a new version of an existing secret.
    sim.setFaults({ failAfterCommitNext: 1 }, "PutSecretValue");
    const ref2 = await store().put({ name, value: `${value}-2`, kind: "seller-key", idempotencyKey: randomUUID() });
    expect(Object.keys((await store().describe(name)).versions).sort()).toEqual([ref.versionId, ref2.versionId].sort());
    sim.faults.reset();
  });

  it("server errors and an unreachable endpoint are 'unreachable'", async () => {
    sim.setFaults({ failNext: 5 }, "CreateSecret");
    const error = await store()
      .put({ name: uniqueName("5xx"), value: "x".repeat(12), kind: "seller-key", idempotencyKey: randomUUID() })
      .catch((e: unknown) => e);
    expect((error as SecretStoreError).kind).toBe("unreachable");
    sim.faults.reset();

    const dead = createSecretStore({
      backend: "aws",
      maxAttempts: 2,
      clientConfig: { endpoint: "http://127.0.0.1:1" },
    });
    const down = await dead
      .put({ name: uniqueName("down"), value: "x".repeat(12), kind: "seller-key", idempotencyKey: randomUUID() })
      .catch((e: unknown) => e);
    expect((down as SecretStoreError).kind).toBe("unreachable");
    await expect(dead.probe()).rejects.toMatchObject({ kind: "unreachable" });
  });
});
