// The local backend's own guarantees: AES-256-GCM under HKDF-derived keys, bound to purpose, name and
// version; key id per value; the format before v2 still opens and is re-sealed by the rotation.
import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rememberSecret } from "@/tests/support/secret-scan";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config/env";
import { createLocalSecretStore, SecretStoreError } from "@/lib/secrets";
import { deriveKey, KEY_LABELS } from "@/lib/secrets/derive";
import { retryPendingSecret } from "@/lib/secrets/pending";
import {
  connectionTokenContext,
  localKeyFrom,
  localSecretContext,
  pendingSecretContext,
  sealWith,
  unsealWith,
  UnsealError,
  type Keyring,
} from "@/lib/secrets/seal";
import { rotateLocalKey } from "@/lib/secrets/rotate";

const name = (label: string) => `test/local/${label}/${randomUUID()}`;
const sealedOf = async (versionId: string) =>
  (await db().localSecretVersion.findUniqueOrThrow({ where: { versionId }, omit: { sealed: false } })).sealed;

describe("local backend sealing", () => {
  it("stores only ciphertext under the configured key id, a fresh IV each time", async () => {
    const store = createLocalSecretStore();
    const value = `plain-${randomUUID()}`;
    rememberSecret(value);
    const a = await store.put({ name: name("iv"), value, kind: "connection-secret", idempotencyKey: randomUUID() });
    const b = await store.put({ name: name("iv"), value, kind: "connection-secret", idempotencyKey: randomUUID() });
    const rowA = await db().localSecretVersion.findUniqueOrThrow({
      where: { versionId: a.versionId },
      omit: { sealed: false },
    });
    const rowB = await sealedOf(b.versionId);
    expect(rowA.localKeyId).toBe(`v2:${config().secrets.localKeyId}`);
    expect(Buffer.from(rowA.sealed).includes(Buffer.from(value))).toBe(false);
    expect(Buffer.from(rowA.sealed).subarray(0, 12).equals(Buffer.from(rowB).subarray(0, 12))).toBe(false);
    expect(rowA.sealed.length).toBe(12 + Buffer.byteLength(value) + 16);
  });

  it("tampered ciphertext fails to open", async () => {
    const store = createLocalSecretStore();
    const secretName = name("tamper");
    const value = `tamper-${randomUUID()}`;
    rememberSecret(value);
    const ref = await store.put({ name: secretName, value, kind: "seller-key", idempotencyKey: randomUUID() });
    const sealed = Buffer.from(await sealedOf(ref.versionId));
    sealed[20] = (sealed[20] ?? 0) ^ 0x01;
    await db().localSecretVersion.update({
      where: { versionId: ref.versionId },
      data: { sealed: new Uint8Array(sealed) },
    });
    const error = await store.get(secretName).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as SecretStoreError).kind).toBe("invalid");
    expect((error as SecretStoreError).message).toContain("does not open");
  });

  it("a value moved to another secret's row fails to open", async () => {
    const store = createLocalSecretStore();
    const from = name("moved-from");
    const to = name("moved-to");
    const valueFrom = `from-${randomUUID()}`;
    const valueTo = `to-${randomUUID()}`;
    rememberSecret(valueFrom);
    rememberSecret(valueTo);
    const refFrom = await store.put({ name: from, value: valueFrom, kind: "seller-key", idempotencyKey: randomUUID() });
    const refTo = await store.put({ name: to, value: valueTo, kind: "seller-key", idempotencyKey: randomUUID() });
    await db().localSecretVersion.update({
      where: { versionId: refTo.versionId },
      data: { sealed: await sealedOf(refFrom.versionId) },
    });
    await expect(store.get(to)).rejects.toMatchObject({ kind: "invalid" });
    expect((await store.get(from)).value).toBe(valueFrom);
  });

  it("a value under an unknown key id says which keys it needs", () => {
    const a: Keyring = { current: localKeyFrom(randomBytes(32)), previous: null };
    const b: Keyring = { current: localKeyFrom(randomBytes(32)), previous: null };
    const ctx = localSecretContext("some/name", "v1");
    const { sealed, keyId } = sealWith(a, "some value", ctx);
    expect(() => unsealWith(b, sealed, keyId, ctx)).toThrow(UnsealError);
    expect(() => unsealWith(b, sealed, keyId, ctx)).toThrow(/SECRETS_LOCAL_KEY_PREVIOUS is not set/);
    expect(unsealWith({ current: b.current, previous: a.current }, sealed, keyId, ctx)).toBe("some value");
  });
});

describe("local key rotation", () => {
  it("re-seals every local value, pending secret and connection token under the new key; all stay readable", async () => {
    const oldKey = localKeyFrom(randomBytes(32));
    const newKey = localKeyFrom(randomBytes(32));
    const before: Keyring = { current: oldKey, previous: null };
    const during: Keyring = { current: newKey, previous: oldKey };
    const after: Keyring = { current: newKey, previous: null };

    // Local secrets (two versions of one, one of another) under the old key.
    const oldStore = createLocalSecretStore({ keyring: before });
    const values = [`rot-a1-${randomUUID()}`, `rot-a2-${randomUUID()}`, `rot-b-${randomUUID()}`];
    values.forEach(rememberSecret);
    const nameA = name("rotate-a");
    const nameB = name("rotate-b");
    const a1 = await oldStore.put({
      name: nameA,
      value: values[0] ?? "",
      kind: "seller-key",
      idempotencyKey: randomUUID(),
    });
    await oldStore.put({ name: nameA, value: values[1] ?? "", kind: "seller-key", idempotencyKey: randomUUID() });
    await oldStore.put({
      name: nameB,
      value: values[2] ?? "",
      kind: "connection-secret",
      idempotencyKey: randomUUID(),
    });

    // A pending secret and a cached connection token under the old key.
    const pendingValue = `rot-pending-${randomUUID()}`;
    const tokenValue = `rot-token-${randomUUID()}`;
    rememberSecret(pendingValue);
    rememberSecret(tokenValue);
    const pendingName = name("rotate-pending");
    const pendingId = randomUUID();
    const ps = sealWith(before, pendingValue, pendingSecretContext(pendingName, pendingId));
    const pending = await db().pendingSecret.create({
      data: {
        id: pendingId,
        secretName: pendingName,
        sealed: new Uint8Array(ps.sealed),
        localKeyId: ps.keyId,
        tags: { kind: "seller-key", idempotencyKey: "x", tags: {} },
      },
    });
    const connection = await db().connection.create({
      data: {
        name: `rotate-${randomUUID()}`,
        provider: "OAUTH2",
        environment: "SANDBOX",
        tokenUrl: "http://127.0.0.1:1/token",
        clientId: "c",
        createdBy: "test",
      },
    });
    const obtainedAt = new Date();
    const ts = sealWith(before, tokenValue, connectionTokenContext(connection.id, obtainedAt));
    await db().connectionToken.create({
      data: {
        connectionId: connection.id,
        sealed: new Uint8Array(ts.sealed),
        localKeyId: ts.keyId,
        tokenType: "Bearer",
        obtainedAt,
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });

    const report = await rotateLocalKey({ keyring: during, fromKeyIds: [oldKey.id] });
    expect(report.failed).toEqual([]);
    expect(report.resealed).toEqual({ localSecretVersions: 3, pendingSecrets: 1, connectionTokens: 1 });
    // Again: nothing left to do.
    expect((await rotateLocalKey({ keyring: during, fromKeyIds: [oldKey.id] })).resealed).toEqual({
      localSecretVersions: 0,
      pendingSecrets: 0,
      connectionTokens: 0,
    });

    // Readable with the new key alone.
    const newStore = createLocalSecretStore({ keyring: after });
    expect((await newStore.get(nameA)).value).toBe(values[1]);
    expect((await newStore.get(nameA, { versionId: a1.versionId })).value).toBe(values[0]);
    expect((await newStore.get(nameB)).value).toBe(values[2]);
    const p = await db().pendingSecret.findUniqueOrThrow({ where: { id: pending.id }, omit: { sealed: false } });
    expect(p.localKeyId).toBe(`v2:${newKey.id}`);
    expect(unsealWith(after, p.sealed, p.localKeyId, pendingSecretContext(pendingName, pendingId))).toBe(pendingValue);
    const t = await db().connectionToken.findUniqueOrThrow({
      where: { connectionId: connection.id },
      omit: { sealed: false },
    });
    expect(t.localKeyId).toBe(`v2:${newKey.id}`);
    expect(unsealWith(after, t.sealed, t.localKeyId, connectionTokenContext(connection.id, obtainedAt))).toBe(
      tokenValue,
    );
    // And no longer with the old one.
    await expect(oldStore.get(nameB)).rejects.toBeInstanceOf(SecretStoreError);

    await db().pendingSecret.delete({ where: { id: pending.id } });
    await db().connection.delete({ where: { id: connection.id } });
  });

  it("reports values it cannot open instead of failing silently", async () => {
    const stranger = localKeyFrom(randomBytes(32));
    const mine = localKeyFrom(randomBytes(32));
    const store = createLocalSecretStore({ keyring: { current: stranger, previous: null } });
    const secretName = name("rotate-unknown");
    const value = `unknown-${randomUUID()}`;
    rememberSecret(value);
    const ref = await store.put({ name: secretName, value, kind: "seller-key", idempotencyKey: randomUUID() });
    const report = await rotateLocalKey({ keyring: { current: mine, previous: null }, fromKeyIds: [stranger.id] });
    expect(report.failed).toEqual([
      { table: "local_secret_versions", id: ref.versionId, reason: expect.stringContaining(stranger.id) },
    ]);
    expect(JSON.stringify(report)).not.toContain(value);
  });
});

/** A value sealed the way this app did before v2: the raw SECRETS_LOCAL_KEY, the name alone as associated data. */
function legacySeal(key: Buffer, plaintext: string, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

describe("v2 sealing: HKDF keys per use, associated data of purpose, name and version", () => {
  it("derives distinct keys for sealing, the local store and the seller cookie, none equal to the secret", () => {
    const root = randomBytes(32);
    const keys = (Object.keys(KEY_LABELS) as (keyof typeof KEY_LABELS)[]).map((label) =>
      deriveKey(root, label).toString("hex"),
    );
    expect(new Set([...keys, root.toString("hex")]).size).toBe(keys.length + 1);
    expect(deriveKey(root, "seal")).toHaveLength(32);
    expect(deriveKey(root, "seal").equals(deriveKey(Buffer.from(root), "seal"))).toBe(true);
  });

  it("a value does not open under another version, name or purpose", () => {
    const ring: Keyring = { current: localKeyFrom(randomBytes(32)), previous: null };
    const ctx = localSecretContext("test/bind", "version-1");
    const { sealed, keyId } = sealWith(ring, "bound value", ctx);
    expect(keyId).toBe(`v2:${ring.current.id}`);
    expect(unsealWith(ring, sealed, keyId, ctx)).toBe("bound value");
    expect(() => unsealWith(ring, sealed, keyId, localSecretContext("test/bind", "version-2"))).toThrow(UnsealError);
    expect(() => unsealWith(ring, sealed, keyId, localSecretContext("test/other", "version-1"))).toThrow(UnsealError);
    expect(() => unsealWith(ring, sealed, keyId, pendingSecretContext("test/bind", "version-1"))).toThrow(UnsealError);
    // Not sealed under the raw key: the old format's reading of it fails.
    expect(() => unsealWith(ring, sealed, ring.current.id, ctx)).toThrow(UnsealError);
  });

  it("an older version's value copied over the current version of the same secret fails to open", async () => {
    const store = createLocalSecretStore();
    const secretName = name("version-swap");
    const [v1, v2] = [`v1-${randomUUID()}`, `v2-${randomUUID()}`];
    rememberSecret(v1);
    rememberSecret(v2);
    const first = await store.put({
      name: secretName,
      value: v1,
      kind: "connection-secret",
      idempotencyKey: randomUUID(),
    });
    const second = await store.put({
      name: secretName,
      value: v2,
      kind: "connection-secret",
      idempotencyKey: randomUUID(),
    });
    await db().localSecretVersion.update({
      where: { versionId: second.versionId },
      data: { sealed: await sealedOf(first.versionId) },
    });
    await expect(store.get(secretName)).rejects.toMatchObject({ kind: "invalid" });
  });

  it("values stored before v2 still open, new writes are v2, and the rotation re-seals the old ones under the same key", async () => {
    const root = randomBytes(32);
    const ring: Keyring = { current: localKeyFrom(root), previous: null };
    const store = createLocalSecretStore({ keyring: ring });
    const secretName = name("legacy");
    const [oldValue, newValue, pendingValue, tokenValue] = [
      "legacy-local",
      "v2-local",
      "legacy-pending",
      "legacy-token",
    ].map((p) => `${p}-${randomUUID()}`) as [string, string, string, string];
    [oldValue, newValue, pendingValue, tokenValue].forEach(rememberSecret);

    // Rows exactly as the previous code wrote them: key id = the raw key's id, associated data = the name.
    const versionId = randomUUID();
    await db().localSecret.create({
      data: { name: secretName, arn: `arn:local:secretsmanager:local:000000000000:secret:${secretName}-abc123` },
    });
    await db().localSecretVersion.create({
      data: {
        versionId,
        secretName,
        sealed: new Uint8Array(legacySeal(root, oldValue, secretName)),
        localKeyId: ring.current.id,
        stages: ["AWSCURRENT"],
      },
    });
    const pendingName = name("legacy-pending");
    const pending = await db().pendingSecret.create({
      data: {
        secretName: pendingName,
        sealed: new Uint8Array(legacySeal(root, pendingValue, pendingName)),
        localKeyId: ring.current.id,
        tags: { kind: "seller-key", idempotencyKey: randomUUID(), tags: {} },
      },
    });
    const connection = await db().connection.create({
      data: {
        name: `legacy-${randomUUID()}`,
        provider: "OAUTH2",
        environment: "SANDBOX",
        tokenUrl: "http://127.0.0.1:1/token",
        clientId: "c",
        createdBy: "test",
      },
    });
    const obtainedAt = new Date();
    await db().connectionToken.create({
      data: {
        connectionId: connection.id,
        sealed: new Uint8Array(legacySeal(root, tokenValue, `connection-token:${connection.id}`)),
        localKeyId: ring.current.id,
        tokenType: "Bearer",
        obtainedAt,
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });

    // Readable as they are.
    expect((await store.get(secretName)).value).toBe(oldValue);
    const tokenRow = await db().connectionToken.findUniqueOrThrow({
      where: { connectionId: connection.id },
      omit: { sealed: false },
    });
    expect(
      unsealWith(ring, tokenRow.sealed, tokenRow.localKeyId, connectionTokenContext(connection.id, obtainedAt)),
    ).toBe(tokenValue);
    const pendingRow = await db().pendingSecret.findUniqueOrThrow({
      where: { id: pending.id },
      omit: { sealed: false },
    });
    expect(
      unsealWith(ring, pendingRow.sealed, pendingRow.localKeyId, pendingSecretContext(pendingName, pending.id)),
    ).toBe(pendingValue);

    // A new version is written as v2; the old version stays readable beside it.
    const fresh = await store.put({
      name: secretName,
      value: newValue,
      kind: "connection-secret",
      idempotencyKey: randomUUID(),
    });
    expect(
      (await db().localSecretVersion.findUniqueOrThrow({ where: { versionId: fresh.versionId } })).localKeyId,
    ).toBe(`v2:${ring.current.id}`);
    expect((await store.get(secretName)).value).toBe(newValue);
    expect((await store.get(secretName, { versionId })).value).toBe(oldValue);

    // The rotation, with no previous key: the old-format rows become v2 under the same key.
    const report = await rotateLocalKey({ keyring: ring, fromKeyIds: [ring.current.id] });
    expect(report.failed).toEqual([]);
    expect(report.resealed).toEqual({ localSecretVersions: 1, pendingSecrets: 1, connectionTokens: 1 });
    expect((await db().localSecretVersion.findUniqueOrThrow({ where: { versionId } })).localKeyId).toBe(
      `v2:${ring.current.id}`,
    );
    expect((await store.get(secretName, { versionId })).value).toBe(oldValue);
    const t = await db().connectionToken.findUniqueOrThrow({
      where: { connectionId: connection.id },
      omit: { sealed: false },
    });
    expect(t.localKeyId).toBe(`v2:${ring.current.id}`);
    expect(unsealWith(ring, t.sealed, t.localKeyId, connectionTokenContext(connection.id, obtainedAt))).toBe(
      tokenValue,
    );

    // The pending secret, re-sealed, still reaches the store through the retry job's own path.
    const target = createLocalSecretStore({ keyring: ring });
    const retried = await retryPendingSecret(pending.id, { keyring: ring, store: target });
    expect(retried.status).toBe("stored");
    expect((await target.get(pendingName)).value).toBe(pendingValue);

    await db().connection.delete({ where: { id: connection.id } });
  });
});

describe("local backend writes", () => {
  it("concurrent writes of new versions to one secret leave one AWSCURRENT and one AWSPREVIOUS", async () => {
    const store = createLocalSecretStore();
    for (let round = 0; round < 5; round++) {
      const secretName = name("race");
      const values = Array.from({ length: 10 }, (_, i) => `race-${i}-${randomUUID()}`);
      values.forEach((v) => rememberSecret(v));
      // A new secret written by many at once, then many new versions of it at once.
      const refs = await Promise.all(
        [...values.slice(0, 5), ...values.slice(0, 5)].map((value, i) =>
          store.put({
            name: secretName,
            value: i < 5 ? value : `${value}-b`,
            kind: "connection-secret",
            idempotencyKey: randomUUID(),
          }),
        ),
      );
      refs.push(
        ...(await Promise.all(
          values
            .slice(5)
            .map((value) =>
              store.put({ name: secretName, value, kind: "connection-secret", idempotencyKey: randomUUID() }),
            ),
        )),
      );
      const versions = await db().localSecretVersion.findMany({ where: { secretName } });
      expect(versions).toHaveLength(15);
      expect(versions.filter((v) => v.stages.includes("AWSCURRENT"))).toHaveLength(1);
      expect(versions.filter((v) => v.stages.includes("AWSPREVIOUS"))).toHaveLength(1);
      const current = versions.find((v) => v.stages.includes("AWSCURRENT"));
      expect(refs.map((r) => r.versionId)).toContain(current?.versionId);
      expect(values).toContain((await store.get(secretName)).value);
    }
  });

  it("a write to a secret scheduled for deletion is refused; the same write again is one version", async () => {
    const store = createLocalSecretStore();
    const secretName = name("deleted");
    const input = { name: secretName, value: "v1", kind: "connection-secret" as const, idempotencyKey: randomUUID() };
    const first = await store.put({ ...input, description: "first", tags: { team: "a" } });
    expect(await store.put(input)).toEqual(first);
    await store.put({ ...input, value: "v2", idempotencyKey: randomUUID(), tags: { owner: "b" } });
    expect((await store.describe(secretName)).tags).toMatchObject({ team: "a", owner: "b" });
    expect((await db().localSecret.findUniqueOrThrow({ where: { name: secretName } })).description).toBe("first");
    await store.scheduleDeletion(secretName, { recoveryWindowDays: 7 });
    await expect(store.put({ ...input, value: "v3", idempotencyKey: randomUUID() })).rejects.toThrow(
      /scheduled for deletion/,
    );
  });
});
