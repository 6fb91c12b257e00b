import "server-only";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { secretStore } from "@/lib/secrets";
import { isDraining } from "@/lib/server/shutdown";

type Check = { ok: boolean; latencyMs: number; error?: string };
export type HealthReport = { status: "ok" | "unavailable" | "draining"; checks: Record<string, Check> };

type Probe = () => Promise<void>;

async function timed(name: string, probe: Probe, timeoutMs: number): Promise<Check> {
  const started = performance.now();
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : "unknown error";
    log().warn({ check: name, err: message }, "health check failed");
    // The message stays generic in the answer: internal details go to the log only.
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: `${name} is not answering` };
  }
}

export async function checkHealth(): Promise<HealthReport> {
  // Stopping (SIGTERM): the load balancer must take this instance out while it finishes its work.
  if (isDraining()) return { status: "draining", checks: {} };
  const probes: [string, Probe][] = [
    [
      "database",
      async () => {
        await db().$queryRaw`SELECT 1`;
      },
    ],
    // The configured backend answers: AWS Secrets Manager (DescribeSecret) or the local tables.
    ["secretStore", () => secretStore().probe()],
  ];
  const results = await Promise.all(probes.map(async ([name, p]) => [name, await timed(name, p, 3000)] as const));
  const checks = Object.fromEntries(results);
  return { status: results.every(([, c]) => c.ok) ? "ok" : "unavailable", checks };
}
