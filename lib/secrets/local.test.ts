// The local backend's own guarantees: AES-256-GCM bound to the secret's name, key id per value, rotation.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rememberSecret } from "@/tests/support/secret-scan";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config/env";
import { createLocalSecretStore, SecretStoreError } from "@/lib/secrets";
import { connectionTokenAad, localKeyFrom, sealWith, unsealWith, UnsealError, type Keyring } from "@/lib/secrets/seal";
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
    const rowA = await db().localSecretVersion.findUniqueOrThrow({ where: { versionId: a.versionId }, omit: { sealed: false } });
    const rowB = await sealedOf(b.versionId);
    expect(rowA.localKeyId).toBe(config().secrets.localKeyId);
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
    await db().localSecretVersion.update({ where: { versionId: ref.versionId }, data: { sealed: new Uint8Array(sealed) } });
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
    await db().localSecretVersion.update({ where: { versionId: refTo.versionId }, data: { sealed: await sealedOf(refFrom.versionId) } });
    await expect(store.get(to)).rejects.toMatchObject({ kind: "invalid" });
    expect((await store.get(from)).value).toBe(valueFrom);
  });

  it("a value under an unknown key id says which keys it needs", () => {
    const a: Keyring = { current: localKeyFrom(randomBytes(32)), previous: null };
    const b: Keyring = { current: localKeyFrom(randomBytes(32)), previous: null };
    const { sealed, keyId } = sealWith(a, "some value", "aad");
    expect(() => unsealWith(b, sealed, keyId, "aad")).toThrow(UnsealError);
    expect(() => unsealWith(b, sealed, keyId, "aad")).toThrow(/SECRETS_LOCAL_KEY_PREVIOUS is not set/);
    expect(unsealWith({ current: b.current, previous: a.current }, sealed, keyId, "aad")).toBe("some value");
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
    const a1 = await oldStore.put({ name: nameA, value: values[0] ?? "", kind: "seller-key", idempotencyKey: randomUUID() });
    await oldStore.put({ name: nameA, value: values[1] ?? "", kind: "seller-key", idempotencyKey: randomUUID() });
    await oldStore.put({ name: nameB, value: values[2] ?? "", kind: "connection-secret", idempotencyKey: randomUUID() });

    // A pending secret and a cached connection token under the old key.
    const pendingValue = `rot-pending-${randomUUID()}`;
    const tokenValue = `rot-token-${randomUUID()}`;
    rememberSecret(pendingValue);
    rememberSecret(tokenValue);
    const pendingName = name("rotate-pending");
    const ps = sealWith(before, pendingValue, pendingName);
    const pending = await db().pendingSecret.create({
      data: { secretName: pendingName, sealed: new Uint8Array(ps.sealed), localKeyId: ps.keyId, tags: { kind: "seller-key", idempotencyKey: "x", tags: {} } },
    });
    const connection = await db().connection.create({
      data: { name: `rotate-${randomUUID()}`, provider: "OAUTH2", environment: "SANDBOX", tokenUrl: "http://127.0.0.1:1/token", clientId: "c", createdBy: "test" },
    });
    const ts = sealWith(before, tokenValue, connectionTokenAad(connection.id));
    await db().connectionToken.create({
      data: { connectionId: connection.id, sealed: new Uint8Array(ts.sealed), localKeyId: ts.keyId, tokenType: "Bearer", obtainedAt: new Date(), expiresAt: new Date(Date.now() + 3600_000) },
    });

    const report = await rotateLocalKey({ keyring: during, fromKeyIds: [oldKey.id] });
    expect(report.failed).toEqual([]);
    expect(report.resealed).toEqual({ localSecretVersions: 3, pendingSecrets: 1, connectionTokens: 1 });
    // Again: nothing left to do.
    expect((await rotateLocalKey({ keyring: during, fromKeyIds: [oldKey.id] })).resealed).toEqual({ localSecretVersions: 0, pendingSecrets: 0, connectionTokens: 0 });

    // Readable with the new key alone.
    const newStore = createLocalSecretStore({ keyring: after });
    expect((await newStore.get(nameA)).value).toBe(values[1]);
    expect((await newStore.get(nameA, { versionId: a1.versionId })).value).toBe(values[0]);
    expect((await newStore.get(nameB)).value).toBe(values[2]);
    const p = await db().pendingSecret.findUniqueOrThrow({ where: { id: pending.id }, omit: { sealed: false } });
    expect(p.localKeyId).toBe(newKey.id);
    expect(unsealWith(after, p.sealed, p.localKeyId, pendingName)).toBe(pendingValue);
    const t = await db().connectionToken.findUniqueOrThrow({ where: { connectionId: connection.id }, omit: { sealed: false } });
    expect(t.localKeyId).toBe(newKey.id);
    expect(unsealWith(after, t.sealed, t.localKeyId, connectionTokenAad(connection.id))).toBe(tokenValue);
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
    expect(report.failed).toEqual([{ table: "local_secret_versions", id: ref.versionId, reason: expect.stringContaining(stranger.id) }]);
    expect(JSON.stringify(report)).not.toContain(value);
  });
});
