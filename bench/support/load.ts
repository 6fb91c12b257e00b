// HTTP load through autocannon, reduced to the figures the benchmarks print, and the table printer.
import { createRequire } from "node:module";
import os from "node:os";

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** The first answer's latency, ms. */
  min: number;
  /** When the first and the last answer came, ms after the load started. */
  firstAt: number;
  lastAt: number;
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
/** autocannon's run: a promise of the result that is also an event emitter ("response" per answer, in ms). */
type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult> & {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): unknown;
};

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/**
 * Load at `connections` concurrent clients, for `duration` seconds or `amount` requests. `redirectsAreOk`
 * counts 3xx as successes (the callback answers 303).
 *
 * With `amount`, the time is taken from the start to the last answer: autocannon notices that it is done
 * only on its once-a-second sample tick, so its own start→finish is rounded up to whole seconds (150
 * answers in 1.2 s would read as 75/s). Latencies are each answer's own (autocannon's histogram keeps whole
 * milliseconds: 3.9 ms reads as 3).
 */
export async function load(opts: AutocannonOptions & { redirectsAreOk?: boolean }): Promise<LoadResult> {
  const started = performance.now();
  let lastAnswer = started;
  let firstAnswer = NaN;
  const run = autocannon({ timeout: 30, ...opts });
  const latencies: number[] = [];
  run.on("response", (_client, _status, _bytes, ms) => {
    lastAnswer = performance.now();
    if (Number.isNaN(firstAnswer)) firstAnswer = lastAnswer;
    latencies.push(ms);
  });
  const r = await run;
  latencies.sort((a, b) => a - b);
  const seconds =
    opts.amount !== undefined ? (lastAnswer - started) / 1000 : (r.finish.getTime() - r.start.getTime()) / 1000;
  const non2xx = opts.redirectsAreOk ? r.non2xx - r["3xx"] : r.non2xx;
  return {
    requests: r.requests.total,
    rps: r.requests.total / Math.max(seconds, 0.001),
    p50: latencies.length ? quantile(latencies, 0.5) : r.latency.p50,
    p99: latencies.length ? quantile(latencies, 0.99) : r.latency.p99,
    min: latencies[0] ?? NaN,
    firstAt: firstAnswer - started,
    lastAt: lastAnswer - started,
    max: latencies.length ? (latencies.at(-1) ?? NaN) : r.latency.max,
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
