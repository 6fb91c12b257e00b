// Staff password hashing: what one scrypt verification costs at today's parameters (N=2^17, r=8, p=1)
// against the former N=2^15, one at a time and four at once (libuv's default thread pool). Figures only.
import { randomBytes, scrypt } from "node:crypto";

const hashOnce = (N: number) =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now();
    scrypt(
      "correct horse battery staple",
      randomBytes(16),
      32,
      { N, r: 8, p: 1, maxmem: 128 * N * 8 + 32 * 1024 * 1024 },
      (error) => (error ? reject(error) : resolve(performance.now() - started)),
    );
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function run(): Promise<void> {
  const rounds = Number(process.env.BENCH_PASSWORD_ROUNDS ?? 9);
  const rows: Array<[string, number, number]> = [];
  for (const [label, N] of [
    ["N=2^15 (before)", 2 ** 15],
    ["N=2^17 (now)", 2 ** 17],
  ] as const) {
    await hashOnce(N);
    const single: number[] = [];
    for (let i = 0; i < rounds; i++) single.push(await hashOnce(N));
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => hashOnce(N)));
    rows.push([label, median(single), performance.now() - started]);
  }
  for (const [label, one, four] of rows)
    console.log(`${label.padEnd(16)} one verification p50 ${one.toFixed(0)} ms · four at once ${four.toFixed(0)} ms`);
  const [before, now] = rows;
  if (before && now)
    console.log(
      `ratio now/before: ${(now[1] / before[1]).toFixed(1)}× per verification (128 MiB of memory each instead of 32 MiB)`,
    );
}
