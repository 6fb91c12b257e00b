// CPU time of the processes a benchmark runs (Linux /proc): what each callback costs the app, PostgreSQL, the
// simulators and the load generator, independent of how busy the machine is (a wall-clock profile is not:
// time the process waits for a core is charged to whatever it was running). Null where /proc cannot say.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (`getconf CLK_TCK`)

interface Stat {
  ppid: number;
  /** utime + stime, and the same of its children already waited for (cutime + cstime), in ms. */
  own: number;
  reaped: number;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces), from field 3 on.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ticks = (i: number) => Number(f[i - 3] ?? 0);
    const ms = (t: number) => (t * 1000) / TICKS_PER_SECOND;
    return { ppid: ticks(4), own: ms(ticks(14) + ticks(15)), reaped: ms(ticks(16) + ticks(17)) };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by `pid` and every process below it (live or already waited for). */
export function treeCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  const root = stat(pid);
  if (!root) return null;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)]);
  }
  let total = root.own + root.reaped;
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      const s = stat(c);
      if (s) total += s.own + s.reaped;
      walk(c);
    }
  };
  walk(pid);
  return total;
}

/** The postmaster's pid of the PostgreSQL server behind `databaseUrl`, when it runs on this machine. */
export async function postmasterPid(databaseUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    const first = readFileSync(path.join(rows[0]?.dir ?? "", "postmaster.pid"), "utf8").split("\n")[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Not a local server, or not ours to read: no PostgreSQL figure.
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** CPU milliseconds of a set of named processes between `start()` and the `stop()` it returns. */
export function cpuMeter(pids: Record<string, number | undefined>): () => () => Record<string, number | null> {
  return () => {
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, treeCpuMs(pid)]));
    const self = process.cpuUsage();
    return () => {
      const out: Record<string, number | null> = {};
      for (const [k, pid] of Object.entries(pids)) {
        const a = before[k];
        const b = treeCpuMs(pid);
        out[k] = a === null || a === undefined || b === null ? null : b - a;
      }
      const used = process.cpuUsage(self);
      out["load generator"] = (used.user + used.system) / 1000;
      return out;
    };
  };
}
