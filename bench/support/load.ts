// HTTP load through autocannon, reduced to the figures the benchmarks print, and the table printer.
import { createRequire } from "node:module";
import os from "node:os";

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
  timeout?: number;
}
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  duration: number;
  start: Date;
  finish: Date;
  "2xx": number;
  "3xx": number;
}
type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/**
 * Load at `connections` concurrent clients, for `duration` seconds or `amount` requests. `okStatus` 3xx
 * counts redirects as successes (the callback answers 303).
 */
export async function load(opts: AutocannonOptions & { redirectsAreOk?: boolean }): Promise<LoadResult> {
  const r = await autocannon({ timeout: 30, ...opts });
  const seconds = (r.finish.getTime() - r.start.getTime()) / 1000;
  const non2xx = opts.redirectsAreOk ? r.non2xx - r["3xx"] : r.non2xx;
  return {
    requests: r.requests.total,
    rps: r.requests.total / Math.max(seconds, 0.001),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx,
    errors: r.errors,
    seconds,
  };
}

/** Load average of the machine (1, 5, 15 min) and its cores, printed beside every figure. */
export function machineLoad(): string {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return `load average ${a.toFixed(2)} ${b.toFixed(2)} ${c.toFixed(2)} on ${os.cpus().length} cores`;
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : "–");

/** A Markdown table (the issue's own format). */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
