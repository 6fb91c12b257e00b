// Bookkeeping of the embedded PostgreSQL processes (scripts/lib/embedded-pg.ts sets the clusters up):
// who owns a cluster (postmaster.pid and our owner file), whether that process still lives, stopping
// servers orphaned by a killed starter, sweeping abandoned temp clusters, and fast-stopping our own on exit.
import { readFileSync, realpathSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** Written beside postmaster.pid: the pid of the Node process that started the cluster. */
export const OWNER_FILE = "embedded-owner.pid";
/** Temp clusters are `${os.tmpdir()}/embedded-pg-<creator pid>-<random>`. */
export const TEMP_PREFIX = "embedded-pg-";

const runningPostmasters = new Set<number>();
let exitHookInstalled = false;

/** Records a postmaster this process started, for the on-exit safety net. */
export function rememberPostmaster(pid: number | undefined): void {
  if (pid) runningPostmasters.add(pid);
}

export function forgetPostmaster(pid: number): void {
  runningPostmasters.delete(pid);
}

/** On exit, fast-stops (SIGINT) every postmaster still running that this process started. */
export function stopPostmastersOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of runningPostmasters) {
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // already gone
      }
    }
  });
}

/** Records this process as the cluster's owner (read by inspectPidFile in later starts). */
export async function writeOwnerFile(dataDir: string): Promise<void> {
  await fs.writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`).catch(() => {});
}

export async function removeOwnerFile(dataDir: string): Promise<void> {
  await fs.rm(path.join(dataDir, OWNER_FILE), { force: true });
}

export interface PidFile {
  pid: number;
  port: number;
  /** "starting", "ready" or "stopping" (PostgreSQL updates it). */
  status: string;
}

/** A server found running may still be starting (its postmaster.pid is written first). */
export async function waitUntilReady(dataDir: string, pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const lock = readPostmasterPid(dataDir);
    if (!lock || lock.pid !== pid || !isAlive(pid) || lock.status === "stopping") {
      throw new Error(`the PostgreSQL already running in ${dataDir} (pid ${pid}) is stopping; try again`);
    }
    if (lock.status === "ready") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the PostgreSQL already running in ${dataDir} (pid ${pid}) did not become ready within 60 s`);
}

export function readPostmasterPid(dataDir: string): PidFile | undefined {
  try {
    const lines = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    const status = (lines[7] ?? "").trim();
    return Number.isInteger(pid) && pid > 0 ? { pid, port, status } : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
  // An exited orphan stays a zombie until init reaps it, which some container inits never do.
  return processState(pid) !== "Z";
}

function processState(pid: number): string | undefined {
  const stat = procText(pid, "stat");
  return stat ? stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] : undefined;
}

function procText(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Parent pid of a process (Linux /proc), or undefined when unknown. */
function parentPid(pid: number): number | undefined {
  const stat = procText(pid, "stat");
  if (!stat) return undefined;
  // Fields after "(comm)": state ppid ...
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

function isNodeProcess(pid: number): boolean {
  try {
    return realpathSync(`/proc/${pid}/exe`) === realpathSync(process.execPath);
  } catch {
    return (procText(pid, "comm") ?? "").startsWith("node");
  }
}

export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Stops a postmaster whose starter is gone (it would hold the port and the folder). */
export async function stopOrphan(
  pid: number,
  dataDir: string,
  log: (line: string) => void,
  immediate = false,
): Promise<void> {
  log(`stopping PostgreSQL pid ${pid} left running in ${dataDir} by a process that no longer exists`);
  process.kill(pid, immediate ? "SIGQUIT" : "SIGINT");
  if (await waitForExit(pid, 15_000)) return;
  process.kill(pid, "SIGQUIT");
  if (!(await waitForExit(pid, 5_000)))
    throw new Error(`PostgreSQL pid ${pid} (${dataDir}) does not stop; kill it and retry`);
}

/**
 * Looks at postmaster.pid. Returns the running server when a live process still owns it;
 * stops an orphaned one; removes a lock file left by a dead or unrelated process.
 */
export async function inspectPidFile(dataDir: string, log: (line: string) => void): Promise<PidFile | undefined> {
  const lock = readPostmasterPid(dataDir);
  if (!lock) return undefined;
  const lockPath = path.join(dataDir, "postmaster.pid");
  if (!isAlive(lock.pid)) {
    await fs.rm(lockPath, { force: true });
    return undefined;
  }
  const cmdline = procText(lock.pid, "cmdline");
  if (cmdline !== undefined && !(cmdline.includes("postgres") && cmdline.includes(dataDir))) {
    // The pid was reused by an unrelated process (e.g. after a container restart).
    await fs.rm(lockPath, { force: true });
    return undefined;
  }
  // Its starter is alive when the postmaster's parent is still the recorded owner, or is still a
  // Node process (a concurrent start whose owner file is not written yet). An orphan has been
  // re-parented to init or a subreaper.
  const ppid = parentPid(lock.pid);
  const ownerText = await fs.readFile(path.join(dataDir, OWNER_FILE), "utf8").catch(() => "");
  const owner = Number(ownerText.trim());
  const owned = ppid === undefined || (ppid > 1 && ((ppid === owner && isAlive(owner)) || isNodeProcess(ppid)));
  if (owned && Number.isInteger(lock.port) && lock.port > 0) return lock;
  await stopOrphan(lock.pid, dataDir, log);
  return undefined;
}

/** Removes temp clusters whose creating process is dead, stopping their server first. */
export async function sweepAbandonedTempClusters(): Promise<void> {
  const root = os.tmpdir();
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  for (const name of entries) {
    const match = new RegExp(`^${TEMP_PREFIX}(\\d+)-[0-9a-f]+$`).exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    const dir = path.join(root, name);
    try {
      const lock = readPostmasterPid(dir);
      const cmdline = lock ? procText(lock.pid, "cmdline") : undefined;
      if (lock && cmdline?.includes(dir)) await stopOrphan(lock.pid, dir, () => {}, true);
      await fs.rm(dir, { recursive: true, force: true });
    } catch {
      // Another process may be sweeping the same folder; leave it.
    }
  }
}
