// `npm run worker` and `npm run secrets:rotate-key` as real processes, on a private database (so the worker
// picks up only this test's jobs and the rotation touches only this test's values).
import { spawn, type ChildProcess } from "node:child_process";
import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret, RUN_DIR } from "@/tests/support/secret-scan";
import type { Db } from "@/lib/db/client";
import { stopJobWorkers } from "@/lib/jobs";
import { createLocalSecretStore, createSecretStore, storeSecretDurably } from "@/lib/secrets";
import { localKeyFrom } from "@/lib/secrets/seal";
import { createDatabase, dropDatabase } from "@/scripts/lib/embedded-pg";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { clientFor, startAwsForTests } from "@/tests/support/aws-sim";
import type { StartedSecretsManagerSimulator } from "@/simulators/aws-secrets/index";

let sim: StartedSecretsManagerSimulator;
let privateUrl: string;
let adminUrl: string;
let dbName: string;
let privateDb: Db;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sim = await startAwsForTests();
  const base = new URL(process.env.DATABASE_URL ?? "");
  dbName = `jobs_${randomBytes(4).toString("hex")}`;
  adminUrl = Object.assign(new URL(base), { pathname: "/postgres" }).toString();
  privateUrl = Object.assign(new URL(base), { pathname: `/${dbName}` }).toString();
  await createDatabase(adminUrl, dbName);
  await applyMigrations(privateUrl);
  privateDb = await clientFor(privateUrl);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await stopJobWorkers();
  await privateDb?.$disconnect();
  await sim?.close();
  if (adminUrl) await dropDatabase(adminUrl, dbName).catch(() => undefined);
});

function run(script: string, env: Record<string, string>) {
  // As `npm run worker` runs it: one node process (tsx's CLI would relay signals through a second one).
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, LOG_FILE: path.join(RUN_DIR, "app.log") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; process output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm run worker", () => {
  it("finds a stranded pending secret with its recovery sweep, stores it, and stops gracefully on SIGTERM", async () => {
    const value = `worker-secret-${randomUUID()}`;
    rememberSecret(value);
    const name = `test/worker/${randomUUID()}`;
    sim.setFaults({ failNext: 2 }, "CreateSecret");
    const result = await storeSecretDurably(
      { input: { name, value, kind: "connection-secret", idempotencyKey: `w-${randomUUID()}` } },
      { store: createSecretStore({ backend: "aws", maxAttempts: 2 }), db: privateDb },
    );
    expect(result.outcome).toBe("pending");

    const worker = run("scripts/worker.ts", {
      DATABASE_URL: privateUrl,
      SECRETS_BACKEND: "aws",
      NODE_ENV: "test",
      RECOVERY_SWEEP_MS: "500",
    });
    await until(
      "the worker to start",
      async () => (worker.output().includes("Worker running") ? true : undefined),
      30_000,
      worker.output,
    );
    expect(worker.output()).toContain("secrets-retry-pending");
    await until(
      "the pending secret to be stored",
      async () => ((await privateDb.pendingSecret.count({ where: { secretName: name } })) === 0 ? true : undefined),
      30_000,
      worker.output,
    );
    expect(sim.currentValue(name)).toBe(value);

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain("Worker stopped.");
    expect(worker.output()).not.toContain(value);
  }, 60_000);
});

describe("a worker without NODE_ENV", () => {
  it("refuses a database other than the embedded development one, in one line naming NODE_ENV", async () => {
    const worker = run("scripts/worker.ts", {
      NODE_ENV: "",
      DATABASE_URL: "postgresql://app@db.internal.example:5432/onboarding",
    });
    expect(await worker.exited).toBe(1);
    const lines = worker
      .output()
      .trim()
      .split("\n")
      .filter((l) => !l.includes("ExperimentalWarning") && !l.includes("--trace-warnings"));
    expect(lines.at(-1)).toMatch(
      /^worker failed to start: NODE_ENV: is not set while DATABASE_URL points at db\.internal\.example:5432, not the embedded development database: set NODE_ENV=production/,
    );
  }, 60_000);
});

describe("npm run secrets:rotate-key", () => {
  it("re-seals the values under the new key while the old one is given; without it, reports and fails", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const store = createLocalSecretStore({ db: privateDb, keyring: { current: localKeyFrom(oldKey), previous: null } });
    const name = `test/rotate-script/${randomUUID()}`;
    const value = `rotate-script-${randomUUID()}`;
    rememberSecret(value);
    await store.put({ name, value, kind: "seller-key", idempotencyKey: randomUUID() });

    const withoutPrevious = run("scripts/secrets-rotate-key.ts", {
      DATABASE_URL: privateUrl,
      SECRETS_LOCAL_KEY: newKey.toString("base64"),
      NODE_ENV: "test",
    });
    expect(await withoutPrevious.exited).toBe(1);
    expect(withoutPrevious.output()).toContain("did not open");

    const rotation = run("scripts/secrets-rotate-key.ts", {
      DATABASE_URL: privateUrl,
      SECRETS_LOCAL_KEY: newKey.toString("base64"),
      SECRETS_LOCAL_KEY_PREVIOUS: oldKey.toString("base64"),
      NODE_ENV: "test",
    });
    expect(await rotation.exited).toBe(0);
    expect(rotation.output()).toContain("Re-sealed: 1 local secret versions, 0 pending secrets, 0 connection tokens.");
    expect(rotation.output()).not.toContain(value);

    const after = createLocalSecretStore({ db: privateDb, keyring: { current: localKeyFrom(newKey), previous: null } });
    expect((await after.get(name)).value).toBe(value);
  }, 60_000);

  it("re-seals values stored before v2 under the same key, with no previous key needed", async () => {
    // This file's private database: only this test's value is sealed there afterwards.
    await privateDb.localSecret.deleteMany({});
    await privateDb.pendingSecret.deleteMany({});
    await privateDb.connectionToken.deleteMany({});
    const key = randomBytes(32);
    const name = `test/rotate-legacy/${randomUUID()}`;
    const value = `rotate-legacy-${randomUUID()}`;
    rememberSecret(value);
    // A version exactly as the code before v2 wrote it: the raw key, the name as associated data.
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(name, "utf8"));
    const sealed = Buffer.concat([iv, cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
    const versionId = randomUUID();
    await privateDb.localSecret.create({
      data: { name, arn: `arn:local:secretsmanager:local:000000000000:secret:${name}-aaaaaa` },
    });
    await privateDb.localSecretVersion.create({
      data: {
        versionId,
        secretName: name,
        sealed: new Uint8Array(sealed),
        localKeyId: localKeyFrom(key).id,
        stages: ["AWSCURRENT"],
      },
    });

    const rotation = run("scripts/secrets-rotate-key.ts", {
      DATABASE_URL: privateUrl,
      SECRETS_LOCAL_KEY: key.toString("base64"),
      NODE_ENV: "test",
    });
    expect(await rotation.exited).toBe(0);
    expect(rotation.output()).toContain("Re-sealed: 1 local secret versions, 0 pending secrets, 0 connection tokens.");
    expect((await privateDb.localSecretVersion.findUniqueOrThrow({ where: { versionId } })).localKeyId).toBe(
      `v2:${localKeyFrom(key).id}`,
    );
    const store = createLocalSecretStore({ db: privateDb, keyring: { current: localKeyFrom(key), previous: null } });
    expect((await store.get(name)).value).toBe(value);
  }, 60_000);
});
