// Several instances behind a real load balancer (scripts/lib/cluster.ts): 3 × `next start` + `npm run worker`
// on one PostgreSQL, HAProxy in front (a Node proxy when HAProxy is absent). Seller flows spread over
// instances, a double callback, the token broker across instances, and the kill tests: an instance killed
// mid-callback while the store is slow, a graceful stop (SIGTERM) mid-callback, the worker killed mid-retry,
// PostgreSQL restarted during a burst. And what must hold in total, not per instance: a per-link and a
// per-key rate limit, the staff sign-in lockout, and each webhook delivered once.
// Every flow ends completed or recorded with its stage; the keys Noon issued are the keys stored, byte for byte.
// No browser: the seller's requests are sent as the browser would (scripts/lib/seller-flow.ts).
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { CLUSTER_RATE_LIMITS, startCluster, type Cluster } from "../scripts/lib/cluster";
import { startWebhookReceiver } from "../simulators/webhook-receiver/index";
import {
  callback,
  compareIssuedAndStored,
  connect,
  outcomes,
  seedSellers,
  sellerFlow,
} from "../scripts/lib/seller-flow";
import { expect, test } from "./support/fixtures";

test.describe.configure({ mode: "serial" });

let cluster: Cluster;
const runDir = path.join(process.env.E2E_RUN_DIR ?? path.join(process.cwd(), ".data", "e2e-run"), "cluster");
const sellersSeen: string[] = [];

const noon = () =>
  cluster.stack.noon ??
  (() => {
    throw new Error("no Noon simulator");
  })();
const aws = () =>
  cluster.stack.aws ??
  (() => {
    throw new Error("no AWS simulator");
  })();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.stack.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function seed(n: number) {
  const sellers = await seedSellers(cluster.stack.databaseUrl, n);
  sellersSeen.push(...sellers.map((s) => s.sellerId));
  return sellers;
}

const exchanges = () => noon().counters.get("exchange").succeeded;

const PER_KEY = 100;

/**
 * Sends `perRound` requests to every instance at once, round after round, until every instance has refused
 * (429) in a round: so whatever share of a limit each instance holds is used up. Returns every status.
 */
async function untilEveryInstanceRefuses(send: (base: string) => Promise<number>, perRound: number) {
  const statuses: number[] = [];
  for (let round = 0; round < 40; round++) {
    const answers = await Promise.all(
      cluster.instances.flatMap((m) =>
        Array.from({ length: perRound }, async () => ({ name: m.name, status: await send(m.url) })),
      ),
    );
    statuses.push(...answers.map((a) => a.status));
    if (new Set(answers.filter((a) => a.status === 429).map((a) => a.name)).size === cluster.instances.length)
      return statuses;
  }
  throw new Error(`the instances never all refused: ${statuses.join(",")}`);
}

/** One staff sign-in through next-auth's credentials endpoint: "signed-in", or the refusal's code. */
async function signInAttempt(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";", 1)[0])
    .join("; ");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/admin" }),
    redirect: "manual",
  });
  await res.arrayBuffer();
  const location = new URL(res.headers.get("location") ?? "/", base);
  if (!location.searchParams.has("error")) return "signed-in";
  return location.searchParams.get("code") ?? location.searchParams.get("error") ?? "error";
}

/** Runs a script of this repository with the app's modules against the cluster's database; its last JSON line. */
function driver<T>(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...args], {
      env: {
        ...process.env,
        ...cluster.env,
        NODE_ENV: "test",
        LOG_FILE: path.join(runDir, "driver.log"),
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as T)
        : reject(new Error(`${script} exited ${code}: ${err.slice(-500)}`)),
    );
  });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  cluster = await startCluster({
    instances: 3,
    dir: runDir,
    // Short leases and sweeps so recovery shows within seconds; a drain longer than the balancer needs to
    // notice (2 checks × 500 ms).
    env: {
      RECOVERY_LEASE_MS: "3000",
      RECOVERY_SWEEP_MS: "500",
      SHUTDOWN_DRAIN_DELAY_MS: "1500",
      SHUTDOWN_TIMEOUT_MS: "20000",
      // A per-key limit low enough to use up here (the broker test below stays under it with one key).
      RATE_LIMITS: `${CLUSTER_RATE_LIMITS},api-per-key=${PER_KEY}/60`,
    },
    log: (l) => console.log(l),
  });
  console.log(`cluster behind ${cluster.balancer}`);
});

test.afterAll(async () => {
  // Whatever happened above: every flow ended completed or failed with its stage, and no key was lost.
  if (cluster) {
    const all = await outcomes(cluster.stack.databaseUrl, sellersSeen);
    // (A flow whose seller never came back from Noon is not in flight: it expires after 30 minutes.)
    const stuck = all.filter(
      (o) =>
        o.calledBack &&
        (!["COMPLETED", "FAILED", "SUPERSEDED"].includes(o.status) || (o.status === "FAILED" && !o.failureStage)),
    );
    const keys = await compareIssuedAndStored(noon(), aws(), cluster.stack.databaseUrl);
    await cluster.stop();
    if (keys.neverReceived.length)
      console.log(
        `${keys.neverReceived.length} key(s) issued by Noon after token/exchange timed out on our side (machine overloaded), recorded as failed at token_exchange`,
      );
    expect(stuck).toEqual([]);
    expect(keys.missing).toEqual([]);
  }
});

test("flows spread over instances: connect on one, callback on another", async () => {
  const sellers = await seed(6);
  const before = exchanges();
  const results = await Promise.all(
    sellers.map((seller, i) =>
      sellerFlow({
        noon: noon(),
        appUrl: cluster.url,
        connectBase: cluster.instances[i % 3]?.url ?? "",
        callbackBase: cluster.instances[(i + 1) % 3]?.url ?? "",
        seller,
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(sellers.map(() => 303));
  expect(exchanges() - before).toBe(6);
  const done = await outcomes(
    cluster.stack.databaseUrl,
    sellers.map((s) => s.sellerId),
  );
  expect(done.map((o) => o.status)).toEqual(sellers.map(() => "COMPLETED"));
  // And through the balancer, in a burst.
  const burst = await seed(9);
  const through = await Promise.all(
    burst.map((seller) =>
      sellerFlow({ noon: noon(), appUrl: cluster.url, connectBase: cluster.url, callbackBase: cluster.url, seller }),
    ),
  );
  expect(through.map((r) => r.status)).toEqual(burst.map(() => 303));
  const keys = await compareIssuedAndStored(noon(), aws(), cluster.stack.databaseUrl);
  expect(keys.missing).toEqual([]);
  expect(keys.multiVersion).toBe(0);
});

test("a concurrent double callback on two instances makes one exchange", async () => {
  const [seller] = await seed(1);
  if (!seller) throw new Error("no seller");
  const flow = await connect(cluster.instances[0]?.url ?? "", cluster.url, seller.linkToken);
  const code = noon().issueAuthorizationCode();
  const before = exchanges();
  const statuses = await Promise.all(
    [cluster.instances[1], cluster.instances[2], cluster.instances[0]].map((m) => callback(m?.url ?? "", flow, code)),
  );
  expect(statuses.filter((s) => s === 303)).toHaveLength(1);
  expect(statuses.filter((s) => s === 400)).toHaveLength(2);
  expect(exchanges() - before).toBe(1);
  expect((await outcomes(cluster.stack.databaseUrl, [seller.sellerId])).map((o) => o.status)).toEqual(["COMPLETED"]);
});

test("the token broker makes one token request per lifetime across instances", async () => {
  const noyo = cluster.stack.providers?.noyo;
  if (!noyo) throw new Error("no Noyo simulator");
  const setup = await driver<{ connectionId: string; apiKey: string }>(
    "tests/support/connections/bench-driver.ts",
    ["setup", noyo.tokenUrl, noyo.apiBaseUrl, "noyo-sim-client"],
    { BENCH_CLIENT_SECRET: "noyo-sim-secret-not-for-production" },
  );
  const before = noyo.counters().tokenRequestsByClient["noyo-sim-client"] ?? 0;
  const answers = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      fetch(`${cluster.instances[i % 3]?.url}/api/v1/connections/${setup.connectionId}/token`, {
        headers: { authorization: `Bearer ${setup.apiKey}` },
      }).then(async (r) => ({ status: r.status, token: ((await r.json()) as { accessToken?: string }).accessToken })),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  expect(new Set(answers.map((a) => a.token)).size).toBe(1);
  expect((noyo.counters().tokenRequestsByClient["noyo-sim-client"] ?? 0) - before).toBe(1);
});

test("a per-link rate limit holds in total across instances, not per instance", async () => {
  const [seller] = await seed(1);
  if (!seller) throw new Error("no seller");
  const limit = 30; // onboarding-link-per-link's default (per 10 minutes)
  const statuses = await untilEveryInstanceRefuses(async (base) => {
    const res = await fetch(`${base}/onboard/${seller.linkToken}`, { redirect: "manual" });
    await res.arrayBuffer();
    return res.status;
  }, 4);
  console.log(
    `per-link limit ${limit} over 3 instances: ${statuses.filter((s) => s === 200).length} allowed of ${statuses.length}`,
  );
  expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
  expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
});

test("a per-key API rate limit holds in total across instances, not per instance", async () => {
  const apiKey = `sok_${randomBytes(32).toString("base64url")}`;
  await sql(
    `INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_by) VALUES (gen_random_uuid(), 'cluster limit', $1, $2, ARRAY['sellers:read'], 'e2e')`,
    [apiKey.slice(0, 14), createHash("sha256").update(apiKey, "utf8").digest("hex")],
  );
  const statuses = await untilEveryInstanceRefuses(async (base) => {
    const res = await fetch(`${base}/api/v1/sellers?limit=1`, { headers: { authorization: `Bearer ${apiKey}` } });
    await res.arrayBuffer();
    return res.status;
  }, 12);
  console.log(
    `per-key limit ${PER_KEY} over 3 instances: ${statuses.filter((s) => s === 200).length} allowed of ${statuses.length}`,
  );
  expect(statuses.filter((s) => s === 200)).toHaveLength(PER_KEY);
  expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
});

test("the staff sign-in lockout holds across instances: failures on two lock the account on the third", async () => {
  const email = cluster.env.ADMIN_EMAIL ?? "";
  const password = cluster.env.ADMIN_PASSWORD ?? "";
  try {
    const [a, b, c] = cluster.instances.map((m) => m.url);
    if (!a || !b || !c) throw new Error("three instances expected");
    // Five free attempts for an account (lib/auth/throttle.ts), spread over two instances.
    const wrong = [];
    for (const base of [a, b, a, b, a]) wrong.push(await signInAttempt(base, email, "not-the-password-at-all"));
    expect(wrong).toEqual(wrong.map(() => "credentials"));
    // The right password on the third instance is refused: the account waits.
    expect(await signInAttempt(c, email, password)).toBe("locked");
    expect(await signInAttempt(b, email, password)).toBe("locked");
  } finally {
    await sql(`DELETE FROM sign_in_throttles`);
  }
  expect(await signInAttempt(cluster.url, email, password)).toBe("signed-in");
});

test("a webhook endpoint receives each event once while 3 instances and the worker run", async () => {
  test.setTimeout(90_000);
  const receiver = await startWebhookReceiver();
  try {
    const endpoint = await driver<{ id: string; secret: string }>("e2e/support/webhook-endpoint.ts", [
      `${receiver.endpointUrl}/cluster`,
      "seller.connected",
    ]);
    receiver.setSecrets([endpoint.secret]);
    const sellers = await seed(6);
    const flows = await Promise.all(
      sellers.map((seller, i) =>
        sellerFlow({
          noon: noon(),
          appUrl: cluster.url,
          connectBase: cluster.instances[i % 3]?.url ?? "",
          callbackBase: cluster.instances[(i + 1) % 3]?.url ?? "",
          seller,
        }),
      ),
    );
    expect(flows.map((f) => f.status)).toEqual(sellers.map(() => 303));
    const mine = () =>
      receiver.delivered().filter((r) => sellers.some((s) => JSON.stringify(r.event?.data ?? {}).includes(s.sellerId)));
    await until("every seller.connected delivered", async () => (mine().length >= 6 ? true : undefined), 60_000);
    // Long enough for a duplicate from another process to arrive (deliveries are woken within milliseconds).
    await sleep(3_000);
    const got = mine();
    expect(got.map((r) => r.event?.type)).toEqual(sellers.map(() => "seller.connected"));
    expect(new Set(got.map((r) => r.webhookId)).size).toBe(6);
    expect(sellers.every((s) => got.some((r) => JSON.stringify(r.event?.data).includes(s.sellerId)))).toBe(true);
    expect(receiver.requests.filter((r) => !r.verified)).toEqual([]);
  } finally {
    await receiver.close();
  }
});

test("an instance SIGKILLed mid-callback while the store is slow: another process stores the sealed key and completes", async () => {
  test.setTimeout(90_000);
  const victim = cluster.instances[0];
  if (!victim) throw new Error("no instance");
  const [seller] = await seed(1);
  if (!seller) throw new Error("no seller");
  const flow = await connect(cluster.url, cluster.url, seller.linkToken);
  aws().setFaults({ delayMs: 4_000 }, "CreateSecret");
  const cut = callback(victim.url, flow, noon().issueAuthorizationCode());
  // The key is sealed (write-ahead) and the store call is in flight: now the process dies.
  await until("the sealed key", async () =>
    (
      await sql(
        `SELECT 1 FROM pending_secrets p JOIN noon_authorizations a ON a.id = p.authorization_id WHERE a.seller_id = $1`,
        [seller.sellerId],
      )
    ).length
      ? true
      : undefined,
  );
  await victim.kill("SIGKILL");
  expect(await cut).toBe("network");
  aws().faults.reset();
  // Within the lease (3 s) plus a sweep, a surviving process (instance or worker) finishes it.
  const done = await until("the recovered authorization", async () => {
    const [o] = await outcomes(cluster.stack.databaseUrl, [seller.sellerId]);
    return o?.status === "COMPLETED" ? o : undefined;
  });
  const events = await sql<{ message: string }>(
    `SELECT e.message FROM noon_authorization_events e JOIN noon_authorizations a ON a.id = e.authorization_id WHERE a.reference = $1 AND e.type = 'key_stored'`,
    [done.reference],
  );
  expect(events.map((e) => e.message)).toEqual([
    "Key stored after 1 attempt (picked up after the server handling the callback stopped)",
  ]);
  const keys = await compareIssuedAndStored(noon(), aws(), cluster.stack.databaseUrl);
  expect(keys.missing).toEqual([]);
  expect(keys.multiVersion).toBe(0);
  await victim.start();
});

test("SIGTERM mid-callback: health answers 503 while draining, the callback finishes, the process exits", async () => {
  test.setTimeout(90_000);
  const victim = cluster.instances[1];
  if (!victim) throw new Error("no instance");
  const [seller] = await seed(1);
  if (!seller) throw new Error("no seller");
  const flow = await connect(cluster.url, cluster.url, seller.linkToken);
  aws().setFaults({ delayMs: 2_500 }, "CreateSecret");
  const slow = callback(victim.url, flow, noon().issueAuthorizationCode());
  await until("the sealed key", async () =>
    (
      await sql(
        `SELECT 1 FROM pending_secrets p JOIN noon_authorizations a ON a.id = p.authorization_id WHERE a.seller_id = $1`,
        [seller.sellerId],
      )
    ).length
      ? true
      : undefined,
  );
  victim.signal("SIGTERM");
  const health = await until(
    "503 from the draining instance",
    async () => {
      const res = await fetch(`${victim.url}/api/health`).catch(() => null);
      return res?.status === 503 ? ((await res.json()) as { status: string }) : undefined;
    },
    5_000,
  );
  expect(health.status).toBe("draining");
  // Within two checks the balancer takes it out: then every request goes to the others.
  await until(
    "the balancer to route around the draining instance",
    async () => {
      const statuses = await Promise.all(
        Array.from({ length: 6 }, () => fetch(`${cluster.url}/api/health`).then((r) => r.status)),
      );
      return statuses.every((s) => s === 200) ? true : undefined;
    },
    5_000,
  );
  expect(await slow).toBe(303);
  aws().faults.reset();
  expect(await victim.exited()).toBe(143);
  expect((await outcomes(cluster.stack.databaseUrl, [seller.sellerId])).map((o) => o.status)).toEqual(["COMPLETED"]);
  await victim.start();
});

test("the worker killed mid-retry: the retry is finished by a surviving process, one version", async () => {
  test.setTimeout(120_000);
  const worker = cluster.worker;
  if (!worker) throw new Error("no worker");
  const sellers = await seed(3);
  // The store refuses: the flows end "pending key storage" with their keys sealed.
  aws().setFaults({ failNext: 1_000 }, "CreateSecret");
  const statuses = await Promise.all(
    sellers.map((seller) =>
      sellerFlow({ noon: noon(), appUrl: cluster.url, connectBase: cluster.url, callbackBase: cluster.url, seller }),
    ),
  );
  expect(statuses.map((s) => s.status)).toEqual(sellers.map(() => 303));
  expect(
    (
      await outcomes(
        cluster.stack.databaseUrl,
        sellers.map((s) => s.sellerId),
      )
    ).map((o) => o.status),
  ).toEqual(sellers.map(() => "PENDING_KEY_STORAGE"));
  // The store comes back slowly; the worker's retry job takes a key and is killed while writing it.
  aws().faults.reset();
  aws().setFaults({ delayMs: 3_000 }, "CreateSecret");
  await until(
    "a retry in flight",
    async () =>
      (await sql(`SELECT 1 FROM pending_secrets WHERE lease_owner IS NOT NULL AND lease_expires_at > now()`)).length
        ? true
        : undefined,
    60_000,
  );
  await worker.kill("SIGKILL");
  aws().faults.reset();
  await worker.start();
  await until(
    "every flow completed",
    async () => {
      const all = await outcomes(
        cluster.stack.databaseUrl,
        sellers.map((s) => s.sellerId),
      );
      return all.every((o) => o.status === "COMPLETED") ? all : undefined;
    },
    60_000,
  );
  const keys = await compareIssuedAndStored(noon(), aws(), cluster.stack.databaseUrl);
  expect(keys.missing).toEqual([]);
  expect(keys.multiVersion).toBe(0);
});

test("PostgreSQL restarts during a burst: every flow that reached the callback ends completed or failed with its stage", async () => {
  test.setTimeout(120_000);
  const restart = cluster.stack.restartPostgres;
  test.skip(!restart, "PostgreSQL is not the embedded one (DATABASE_URL is set)");
  const sellers = await seed(12);
  const issuedBefore = noon().counters.get("exchange").succeeded;
  const burst = Promise.all(
    sellers.map(async (seller, i) => {
      await sleep(i * 400);
      return sellerFlow({
        noon: noon(),
        appUrl: cluster.url,
        connectBase: cluster.url,
        callbackBase: cluster.url,
        seller,
      }).catch(() => null);
    }),
  );
  // The restart falls in the middle of the burst (flows before, during and after it).
  await sleep(1_000);
  await restart?.();
  await burst;
  const final = await until(
    "every called-back flow to end",
    async () => {
      const all = (
        await outcomes(
          cluster.stack.databaseUrl,
          sellers.map((s) => s.sellerId),
        ).catch(() => [])
      ).filter((o) => o.calledBack);
      return all.length > 0 && all.every((o) => o.status === "COMPLETED" || (o.status === "FAILED" && o.failureStage))
        ? all
        : undefined;
    },
    60_000,
  );
  console.log(
    `PostgreSQL restart during a burst: ${final.filter((o) => o.status === "COMPLETED").length} completed, ${final.filter((o) => o.status === "FAILED").length} failed with their stage (${final
      .map((o) => o.failureStage)
      .filter(Boolean)
      .join(
        ", ",
      )}), ${sellers.length - final.length} never reached the callback; ${noon().counters.get("exchange").succeeded - issuedBefore} keys issued`,
  );
  const keys = await compareIssuedAndStored(noon(), aws(), cluster.stack.databaseUrl);
  expect(keys.missing).toEqual([]);
  expect(keys.multiVersion).toBe(0);
});
