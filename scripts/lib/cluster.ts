// Several app instances on one machine, as production runs them: N `next start` processes and one
// `npm run worker` against one PostgreSQL, behind a real load balancer (HAProxy from Debian when installed,
// otherwise a small Node proxy on http-proxy), with the simulators of scripts/lib/stack.ts. Used by
// e2e/cluster.spec.ts and `npm run bench -- scale`; needs a production build in .next/.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { freePort } from "./embedded-pg";
import { startLocalStack, type LocalStack } from "./stack";

export type ClusterOptions = {
  instances: number;
  /** Where logs and the balancer's configuration go. */
  dir: string;
  /** Extra variables for every process (e.g. short leases in tests). */
  env?: Record<string, string>;
  /** Start `npm run worker` too (default true). */
  worker?: boolean;
  /** "haproxy", "node", or "auto" (HAProxy when installed). */
  balancer?: "auto" | "haproxy" | "node";
  log?: (line: string) => void;
};

export type Member = {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess | null;
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** Sends a signal and returns at once (e.g. SIGSTOP/SIGCONT, or SIGTERM to watch the drain). */
  signal(signal: NodeJS.Signals): void;
  start(): Promise<void>;
  exited(): Promise<number | null>;
};

export type Cluster = {
  /** The load balancer's address: what a seller's browser and Noon's redirect reach. */
  url: string;
  balancer: "haproxy" | "node";
  stack: LocalStack;
  env: Record<string, string>;
  instances: Member[];
  worker: Member | null;
  /** Hook for checks that need every instance's view (rate limits, lockouts, webhooks): runs `fn` per instance. */
  eachInstance<T>(fn: (member: Member) => Promise<T>): Promise<T[]>;
  stop(): Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every simulated seller reaches the balancer from the same loopback address: the per-address limits are
 * raised so they do not refuse them as one client. A test that sets RATE_LIMITS starts from this.
 */
export const CLUSTER_RATE_LIMITS =
  "onboarding-link-per-address=100000/600,noon-connect-per-address=100000/600,noon-callback-rejections-per-address=100000/600,api-per-address=1000000/60";

function haproxyAvailable(): boolean {
  return spawnSync("haproxy", ["-v"], { stdio: "ignore" }).status === 0;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A probe that throws "exited" ends the wait at once; a failing request is simply "not yet".
    if (
      await probe().catch((error: unknown) => {
        if (error instanceof Error && error.message.includes("exited during start-up")) throw error;
        return false;
      })
    )
      return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not come up within ${timeoutMs} ms:\n${output().slice(-1500)}`);
    await sleep(200);
  }
}

export async function healthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
  return res.status === 200;
}

type Ready = (url: string, output: string) => Promise<boolean>;

function member(
  name: string,
  port: number,
  command: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
  ready: Ready,
): Member {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = "";
  let exit: Promise<number | null> = Promise.resolve(null);
  const log = createWriteStream(logFile, { flags: "a" });
  const m: Member = {
    name,
    url,
    port,
    get process() {
      return child;
    },
    async start() {
      output = "";
      const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      exit = new Promise((resolve) => proc.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
      for (const stream of [proc.stdout, proc.stderr]) {
        stream?.on("data", (d: Buffer) => {
          output = (output + d.toString()).slice(-20_000);
          log.write(d);
        });
      }
      let exited = false;
      void exit.then(() => (exited = true));
      await waitFor(
        name,
        async () => {
          if (exited) throw new Error(`${name} exited during start-up:\n${output.slice(-1500)}`);
          return ready(url, output);
        },
        90_000,
        () => output,
      );
    },
    signal(signal) {
      child?.kill(signal);
    },
    async kill(signal) {
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
      child.kill(signal);
      return exit;
    },
    exited: () => exit,
  };
  return m;
}

function haproxyConfig(port: number, backends: Member[]): string {
  // Health checks every 500 ms (answer within 3 s: the check asks PostgreSQL and the secret store, slow under
  // load); two failed checks (503 while draining, or refused) take a server out, two good ones bring it back.
  // A connection refused before anything was sent is retried on another server (any method: nothing happened).
  return `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 90s
  timeout server 90s
  timeout check 3s
  retries 3
  option redispatch
  retry-on conn-failure empty-response
frontend app
  bind 127.0.0.1:${port}
  option forwardfor
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /api/health
  http-check expect status 200
  default-server inter 500 fall 2 rise 2
${backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join("\n")}
`;
}

/** The fallback balancer: round robin over the instances whose /api/health answered 200 last time. */
async function startNodeBalancer(port: number, backends: Member[]): Promise<{ close(): Promise<void> }> {
  const { default: httpProxy } = await import("http-proxy");
  const proxy = httpProxy.createProxyServer({ xfwd: true, proxyTimeout: 90_000 });
  const up = new Set<Member>(backends);
  let next = 0;
  const timer = setInterval(() => {
    for (const b of backends)
      void healthy(b.url).then(
        (ok) => (ok ? up.add(b) : up.delete(b)),
        () => up.delete(b),
      );
  }, 500);
  const pick = (skip: Set<Member>) => {
    const live = backends.filter((b) => up.has(b) && !skip.has(b));
    return live.length ? live[next++ % live.length] : undefined;
  };
  const server = http.createServer((req, res) => {
    const tried = new Set<Member>();
    const attempt = () => {
      const target = pick(tried);
      if (!target) {
        res.writeHead(503, { "content-type": "text/plain" }).end("No instance is available.");
        return;
      }
      tried.add(target);
      proxy.web(req, res, { target: target.url }, (error: NodeJS.ErrnoException) => {
        // Refused before anything was sent: safe to try another instance.
        if (error.code === "ECONNREFUSED" && !res.headersSent) return attempt();
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end();
      });
    };
    attempt();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    close: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      proxy.close();
    },
  };
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID")))
    throw new Error("no production build in .next/: run `npm run build` first");
  const say = opts.log ?? (() => undefined);
  mkdirSync(opts.dir, { recursive: true });
  const lbPort = await freePort();
  const url = `http://127.0.0.1:${lbPort}`;
  const stack = await startLocalStack({
    mode: "test",
    appUrl: url,
    env: { NODE_ENV: "test" },
    awsSimulator: true,
    log: say,
  });
  const stops: (() => Promise<unknown>)[] = [() => stack.stop()];
  try {
    const env: Record<string, string> = {
      ...stack.env,
      NODE_ENV: "production",
      APP_URL: url,
      AUTH_URL: url,
      AUTH_TRUST_HOST: "true",
      TRUSTED_PROXY_HOPS: "1",
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
      ADMIN_EMAIL: "admin@cluster.test",
      ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
      JOBS_IN_PROCESS: "0",
      LOG_LEVEL: "info",
      // The limits themselves are tested in e2e/rate-limits.spec.ts; their total across instances in e2e/cluster.spec.ts.
      RATE_LIMITS: CLUSTER_RATE_LIMITS,
      ...opts.env,
    };
    const running: Member[] = [];
    stops.push(() => Promise.all(running.map((m) => m.kill("SIGKILL"))));
    // A free port may be taken by someone else before the instance binds it: then another port.
    const startInstance = async (i: number): Promise<Member> => {
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const m = member(
          `app${i}`,
          port,
          "node_modules/.bin/next",
          ["start", "--port", String(port), "--hostname", "127.0.0.1"],
          { ...env, LOG_FILE: path.join(opts.dir, `app${i}.log`) },
          path.join(opts.dir, `app${i}.out`),
          healthy,
        );
        running.push(m);
        try {
          await m.start();
          return m;
        } catch (error) {
          await m.kill("SIGKILL");
          if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
        }
      }
    };
    // Started together: each loads the build and connects to PostgreSQL.
    const instances = await Promise.all(Array.from({ length: opts.instances }, (_, i) => startInstance(i + 1)));
    // The worker has no port: ready when it says so.
    const worker =
      opts.worker === false
        ? null
        : member(
            "worker",
            0,
            process.execPath,
            ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
            { ...env, LOG_FILE: path.join(opts.dir, "worker.log") },
            path.join(opts.dir, "worker.out"),
            async (_url, output) => output.includes("Worker running"),
          );
    if (worker) {
      stops.push(() => worker.kill("SIGKILL"));
      await worker.start();
    }

    const kind = opts.balancer === "node" || (opts.balancer !== "haproxy" && !haproxyAvailable()) ? "node" : "haproxy";
    if (kind === "haproxy") {
      const cfg = path.join(opts.dir, "haproxy.cfg");
      writeFileSync(cfg, haproxyConfig(lbPort, instances));
      const lb = member(
        "haproxy",
        lbPort,
        "haproxy",
        ["-f", cfg, "-db"],
        {},
        path.join(opts.dir, "haproxy.out"),
        async (u) => healthy(u),
      );
      stops.unshift(() => lb.kill("SIGKILL"));
      await lb.start();
    } else {
      const lb = await startNodeBalancer(lbPort, instances);
      stops.unshift(() => lb.close());
      await waitFor(
        "the node balancer",
        () => healthy(url),
        10_000,
        () => "",
      );
    }
    say(
      `Cluster: ${instances.length} × next start (${instances.map((m) => m.port).join(", ")}) + worker behind ${kind} on ${url}`,
    );
    return {
      url,
      balancer: kind,
      stack,
      env,
      instances,
      worker,
      eachInstance: (fn) => Promise.all(instances.map(fn)),
      stop: async () => {
        for (const s of stops) await s().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    throw error;
  }
}
