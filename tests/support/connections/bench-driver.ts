// Server-side steps of bench/broker.bench.ts, run as their own process (the app's modules need the
// react-server condition): `setup` creates a Noyo connection and an API key and prints their ids as JSON;
// `latency <connectionId> <n>` measures the broker's cached getToken in-process and prints p50/p99.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { TokenBroker } from "@/lib/connections/broker";
import { createConnection } from "@/lib/connections/service";

const [mode, ...args] = process.argv.slice(2);

async function setup(tokenUrl: string, apiBaseUrl: string, clientId: string) {
  const clientSecret = process.env.BENCH_CLIENT_SECRET ?? "";
  const actor = { id: randomUUID(), email: "bench@localhost", ip: null };
  const { id } = await createConnection(
    {
      provider: "NOYO",
      environment: "SANDBOX",
      name: `bench-${randomUUID().slice(0, 6)}`,
      clientId,
      clientSecret,
      tokenUrl,
      apiBaseUrl,
    },
    actor,
  );
  const apiKey = `sok_${randomBytes(32).toString("base64url")}`;
  await db().apiKey.create({
    data: {
      name: "bench",
      prefix: apiKey.slice(0, 14),
      keyHash: createHash("sha256").update(apiKey, "utf8").digest("hex"),
      scopes: ["connection-tokens"],
      createdBy: "bench",
    },
  });
  return { connectionId: id, apiKey };
}

async function latency(connectionId: string, n: number) {
  const broker = new TokenBroker();
  const warm = await broker.getToken(connectionId);
  if (!warm.ok) throw new Error(warm.error.userMessage);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await broker.getToken(connectionId);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? NaN;
  return { n, p50: pct(50), p99: pct(99), max: times.at(-1) ?? NaN };
}

const out =
  mode === "setup"
    ? await setup(args[0] ?? "", args[1] ?? "", args[2] ?? "")
    : mode === "latency"
      ? await latency(args[0] ?? "", Number(args[1] ?? "2000"))
      : (() => {
          throw new Error(
            "usage: bench-driver.ts setup <tokenUrl> <apiBaseUrl> <clientId> | latency <connectionId> <n>",
          );
        })();
console.log(JSON.stringify(out));
process.exit(0);
