// GET /api/v1/connections/{id}/token under load, against the framework's own ceiling measured in the same
// run: a bare Next.js route handler of the same Next version (bench/bare-next) and a bare node:http server.
// Prints figures and ratios, and a timeline of each cold burst (when the provider request went out and the
// token was written, from PostgreSQL's clock, against the first, median and last answers); never fails on
// a time. Settings: BENCH_DURATION (s per measurement, default 8), BENCH_ROUNDS (back-to-back repeats,
// default 1), BENCH_WARMUP (s of load on each server before the first round, default 8), BENCH_CPU_PROF=1
// (the app writes a CPU profile, summarized at the end), BENCH_SKIP_BUILD=1 (reuse .next/).
import path from "node:path";
import { buildForBench, prepareBenchApp } from "./support/app-env";
import { fmt, load, machineLoad, ratio, table, type LoadResult } from "./support/load";
import { summarizeProfiles } from "./support/profile";
import { appDriver, ROOT, startBareNode, startNext, type Running } from "./support/servers";

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const WARMUP_S = 2;
// Once per server before the first round: the app has far more code for V8 to optimize than the bare route,
// so without it the first round measured the app's JIT warm-up (round 1 ran 0.1× below round 2).
const FIRST_WARMUP_S = Number(process.env.BENCH_WARMUP ?? 8);
const BURST = 200;
const PROVIDER_PROBES = 5;

const say = (line: string) => console.log(line);
const fig = (r: LoadResult) =>
  `${fmt(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms${r.non2xx || r.errors ? ` (non-2xx ${r.non2xx}, errors ${r.errors})` : ""}`;

async function steady(
  url: string,
  connections: number,
  headers: Record<string, string> = {},
  count = (r: LoadResult) => r,
): Promise<LoadResult> {
  count(await load({ url, connections, duration: WARMUP_S, headers }));
  return count(await load({ url, connections, duration: DURATION, headers }));
}

/** One provider token request as the app makes it, timed from here (the cold burst's unavoidable part). */
async function providerTime(tokenUrl: string, clientId: string, clientSecret: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < PROVIDER_PROBES; i++) {
    const t = performance.now();
    const res = await fetch(tokenUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "user-agent": "bench/1.0",
      },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    await res.text();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2] ?? NaN;
}

export async function run(): Promise<void> {
  await buildForBench(say);
  const app = await prepareBenchApp();
  const profileDir =
    process.env.BENCH_CPU_PROF === "1"
      ? path.join(ROOT, "bench/results", `profile-token-${new Date().toISOString().replace(/[:.]/g, "-")}`)
      : undefined;
  const servers: Running[] = [];
  try {
    const { connectionIds, apiKey } = await appDriver<{ connectionIds: string[]; apiKey: string }>(
      ["connections", app.sims.noyo.tokenUrl, app.sims.noyo.url, app.sims.noyo.clientId, String(1 + ROUNDS)],
      app.env,
    );
    const [warmId, ...coldIds] = connectionIds;
    const headers = { authorization: `Bearer ${apiKey}` };
    const tokenPath = (id: string | undefined) => `/api/v1/connections/${id ?? ""}/token`;

    const bareNode = await startBareNode();
    servers.push(bareNode);
    const bareNext = await startNext({
      dir: path.join(ROOT, "bench/bare-next"),
      env: { ...process.env, NODE_ENV: "production" },
      probePath: "/api/constant",
    });
    servers.push(bareNext);
    const appServer = await startNext({
      dir: ROOT,
      // Limits far above what the load reaches: every call still goes through them (quota leases,
      // lib/rate-limit/README.md), none is refused, so the figures are the route's own cost.
      env: {
        ...app.env,
        PORT: String(app.port),
        RATE_LIMITS: "api-per-address=1000000000/60,api-per-key=1000000000/60",
      },
      port: app.port,
      probePath: "/api/health",
      cpuProfileDir: profileDir,
    });
    servers.push(appServer);
    const first = await fetch(`${appServer.url}${tokenPath(warmId)}`, { headers });
    if (first.status !== 200)
      throw new Error(`the token route answered ${first.status}: ${(await first.text()).slice(0, 300)}`);
    let accepted = 1;
    const counted = (r: LoadResult) => ((accepted += r.requests - r.non2xx - r.errors), r);
    const provider = await providerTime(app.sims.noyo.tokenUrl, app.sims.noyo.clientId, app.sims.noyo.clientSecret);

    const timelines: string[] = [];
    await load({ url: `${bareNext.url}/api/constant`, connections: 10, duration: FIRST_WARMUP_S });
    await load({ url: `${bareNext.url}/api/constant/${warmId ?? "x"}`, connections: 10, duration: FIRST_WARMUP_S });
    counted(
      await load({ url: `${appServer.url}${tokenPath(warmId)}`, connections: 10, duration: FIRST_WARMUP_S, headers }),
    );
    for (let round = 0; round < ROUNDS; round++) {
      say(
        `\nRound ${round + 1} of ${ROUNDS} (${DURATION} s per measurement after ${WARMUP_S} s of warm-up; ${machineLoad()})`,
      );
      const rows: string[][] = [];
      for (const c of [10, 100]) {
        const node = await steady(bareNode.url, c);
        const bare = await steady(`${bareNext.url}/api/constant`, c);
        const bareDynamic = await steady(`${bareNext.url}/api/constant/${warmId ?? "x"}`, c);
        const token = await steady(`${appServer.url}${tokenPath(warmId)}`, c, headers, counted);
        rows.push([
          `token route, warm cache, ${c} concurrent clients`,
          fig(token),
          fig(bare),
          `${ratio(token.rps, bare.rps)} throughput, p99 ${ratio(token.p99, bare.p99)}`,
          `${fig(bareDynamic)}; token route ${ratio(token.rps, bareDynamic.rps)}`,
          `${fmt(node.rps)} req/s, p99 ${fmt(node.p99)} ms (bare Next.js = ${ratio(bare.rps, node.rps)})`,
        ]);
        say(`  ${c} clients measured (${machineLoad()})`);
      }
      const bareBurst = await load({ url: `${bareNext.url}/api/constant`, connections: BURST, amount: BURST });
      const burstStart = Date.now();
      const coldBurst = counted(
        await load({ url: `${appServer.url}${tokenPath(coldIds[round])}`, connections: BURST, amount: BURST, headers }),
      );
      const flight = await appDriver<{ requestAt: number | null; fetchedAt: number | null; providerMs: number | null }>(
        ["timeline", coldIds[round] ?? ""],
        app.env,
      );
      const since = (at: number | null) => (at === null ? "–" : `+${fmt(at - burstStart)}`);
      timelines.push(
        `Round ${round + 1}, cold burst (ms after it started): provider request sent ${since(flight.requestAt)}, token written ${since(flight.fetchedAt)} (provider ${flight.providerMs ?? "–"} ms), first answer +${fmt(coldBurst.firstAt)}, last +${fmt(coldBurst.lastAt)}; latencies p50 ${fmt(coldBurst.p50)}, p99 ${fmt(coldBurst.p99)}. The bare route's burst: first answer +${fmt(bareBurst.firstAt)}, last +${fmt(bareBurst.lastAt)}; p50 ${fmt(bareBurst.p50)}, p99 ${fmt(bareBurst.p99)}.`,
      );
      rows.push([
        `first burst of ${BURST} concurrent requests, cold connection`,
        `p50 ${fmt(coldBurst.p50)} ms, p99 ${fmt(coldBurst.p99)} ms${coldBurst.non2xx || coldBurst.errors ? ` (non-2xx ${coldBurst.non2xx}, errors ${coldBurst.errors})` : ""}`,
        `p99 ${fmt(bareBurst.p99)} ms; provider ${fmt(provider, 1)} ms`,
        `p99 ${ratio(coldBurst.p99, provider + bareBurst.p99)} of provider + bare p99`,
        "",
        "",
      ]);
      say("");
      say(
        table(
          [
            "what",
            "token route (next start)",
            "bare Next.js route",
            "ratio",
            "bare route with an [id] segment",
            "bare node:http",
          ],
          rows,
        ),
      );
    }
    say("");
    for (const line of timelines) say(line);
    const counters = (await (await fetch(`${app.sims.noyo.url}/__sim/counters`)).json()) as {
      tokenRequestsByClient?: Record<string, number>;
    };
    const requests = (counters.tokenRequestsByClient?.[app.sims.noyo.clientId] ?? 0) - PROVIDER_PROBES;
    say(
      `\nToken requests at the provider: ${requests} for ${connectionIds.length} connections (one per connection expected; the ${PROVIDER_PROBES} provider-time probes not counted).`,
    );
    // A clean stop (SIGTERM) writes the buffered usage counts: every accepted call is in api_key_usage.
    await appServer.stop();
    const { calls } = await appDriver<{ calls: number }>(["usage"], app.env);
    // autocannon stops counting when a window closes, so a few answers in flight then are not in its total.
    const verdict = calls >= accepted ? "none lost" : `${(accepted - calls).toLocaleString("en")} LOST`;
    say(
      `API-key usage after a clean stop: ${calls.toLocaleString("en")} calls recorded; the load generator counted ${accepted.toLocaleString("en")} answers 200 (${verdict}).`,
    );
    say(`Machine: ${machineLoad()}.`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    await app.stop();
  }
  if (profileDir) for (const line of summarizeProfiles(profileDir)) say(line);
}
