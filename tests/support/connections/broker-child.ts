// A separate app process for the broker tests and the bench: its own TokenBroker (own memory, own
// single-flight table), the same database. Prints "ready", then for each "go" line on stdin runs N
// concurrent getToken calls and prints one JSON line: { ok, failed, tokens: { sha256-prefix: count } }.
// Tokens themselves are never printed.
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { TokenBroker } from "@/lib/connections/broker";
import { db } from "@/lib/db/client";

const [connectionId, concurrencyRaw] = process.argv.slice(2);
const concurrency = Number(concurrencyRaw ?? "100");
if (!connectionId || !Number.isInteger(concurrency) || concurrency <= 0) {
  console.error("usage: broker-child.ts <connectionId> <concurrency>");
  process.exit(2);
}

const broker = new TokenBroker();
const digest = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 16);

async function round() {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: concurrency }, () => broker.getToken(connectionId as string)));
  const tokens: Record<string, number> = {};
  const errors: string[] = [];
  for (const r of results) {
    if (r.ok) tokens[digest(r.data.accessToken)] = (tokens[digest(r.data.accessToken)] ?? 0) + 1;
    else errors.push(r.error.userMessage);
  }
  return {
    ok: results.length - errors.length,
    failed: errors.length,
    errors: [...new Set(errors)],
    tokens,
    ms: Math.round(performance.now() - started),
  };
}

const lines = createInterface({ input: process.stdin });
// Connect before saying ready, so a round measures the broker, not the process's first connection.
await db().$queryRaw`SELECT 1`;
console.log("ready");
for await (const line of lines) {
  if (line.trim() === "go") console.log(JSON.stringify(await round()));
  if (line.trim() === "exit") break;
}
process.exit(0);
