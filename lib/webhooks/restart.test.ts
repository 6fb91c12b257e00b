// No event is lost across a crash: `npm run worker` as a real process delivers, is killed (SIGKILL) while
// a delivery waits for its retry and while a new event is emitted, and a fresh worker delivers both to a
// receiver that was down meanwhile. On a private database, so only this file's jobs are seen.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/lib/db/client";
import type * as HarnessModule from "@/tests/support/noon-harness";
import { createPrivateDatabase, type PrivateDatabase } from "@/tests/support/private-database";
import { keepOutput, rememberSecret, RUN_DIR } from "@/tests/support/secret-scan";
import { startWebhookReceiver, type StartedWebhookReceiver } from "@/simulators/webhook-receiver/index";

// Real processes, queues and receivers: generous limits for a loaded machine (nothing asserts on time).
vi.setConfig({ testTimeout: 180_000 });

let database: PrivateDatabase;
let db: () => Db;
let harness: typeof HarnessModule;
let h: HarnessModule.Harness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createPrivateDatabase("webhooks_restart");
  process.env.DATABASE_URL = database.url;
  ({ db } = await import("@/lib/db/client"));
  harness = await import("@/tests/support/noon-harness");
  h = await harness.startHarness();
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await h?.close();
  await db?.().$disconnect();
  await database?.drop();
});

function startWorker() {
  // As `npm run worker` runs it: one node process. Through tsx's CLI, SIGKILL would reach only the CLI and
  // leave the worker itself running, so the "crash" below would not happen.
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: database.url, NODE_ENV: "test", LOG_FILE: path.join(RUN_DIR, "app.log") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, output: () => out, exited };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  output = () => "",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function connectSeller() {
  const { seller, link } = await harness.sellerWithLink();
  const start = await harness.connectAndApprove(h, link.token);
  await harness.callback(
    h,
    [
      ["code", start.code],
      ["state", start.state],
    ],
    start.cookie,
  );
  return seller;
}

describe("a receiver down through a worker crash", () => {
  it("still gets every event, once, after a new worker starts", async () => {
    let receiver: StartedWebhookReceiver = await startWebhookReceiver();
    const port = receiver.port;
    const { createEndpoint } = await import("./endpoints");
    const admin = { id: randomUUID(), email: "restart@test.example", ip: null };
    const { id: endpointId, secret } = await createEndpoint({
      input: { url: receiver.endpointUrl, eventTypes: ["seller.connected"] },
      actor: admin,
    });
    rememberSecret(secret);
    await receiver.close(); // the receiver is down

    const first = startWorker();
    await until(
      "the first worker",
      () => (first.output().includes("Worker running") ? true : undefined),
      60_000,
      first.output,
    );
    const sellerA = await connectSeller();
    const failed = await until(
      "the first attempt to fail",
      async () => (await db().webhookDelivery.findFirst({ where: { endpointId, attempts: { gte: 1 } } })) ?? undefined,
      30_000,
      first.output,
    );
    expect(failed).toMatchObject({ status: "PENDING", lastHttpStatus: null });
    expect(failed.lastError).toMatch(/refused/);
    first.child.kill("SIGKILL"); // a crash: nothing is stopped gracefully
    await first.exited;

    const sellerB = await connectSeller(); // emitted while no worker runs
    expect(await db().webhookDelivery.count({ where: { endpointId, status: "PENDING" } })).toBe(2);

    receiver = await startWebhookReceiver({ port, secrets: [secret] });
    const second = startWorker();
    try {
      await until(
        "both deliveries",
        async () =>
          (await db().webhookDelivery.count({ where: { endpointId, status: "SUCCEEDED" } })) === 2 ? true : undefined,
        60_000,
        second.output,
      );
      keepOutput("webhook-restart.jsonl", receiver.requests.map((r) => r.body).join("\n"));
      const got = receiver.delivered().map((r) => (r.event?.data.seller as { id: string }).id);
      expect(got.sort()).toEqual([sellerA.id, sellerB.id].sort());
      const events = await db().webhookEvent.findMany({ where: { type: "seller.connected" }, select: { id: true } });
      expect(new Set(receiver.delivered().map((r) => r.webhookId))).toEqual(new Set(events.map((e) => `msg_${e.id}`)));
      const attempts = await db().webhookAttempt.findMany({ where: { deliveryId: failed.id }, orderBy: { id: "asc" } });
      expect(attempts.map((a) => a.ok)).toEqual([false, true]);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
      await receiver.close();
    }
  });
});
