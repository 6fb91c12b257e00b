// Shared plumbing for the loopback provider simulators: a node:http server bound to
// 127.0.0.1, body/JSON helpers, counters and a fault board, and the `/__sim/*` control API
// (GET /__sim/counters, POST /__sim/faults, POST /__sim/reset) every simulator exposes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type SimHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export type StartedHttpServer = {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  close(): Promise<void>;
};

/** Starts `handler` on 127.0.0.1 (port 0 = random unless given). A throwing handler answers 500. */
export function startHttpServer(
  handler: SimHandler,
  opts: { port?: number; host?: string } = {},
): Promise<StartedHttpServer> {
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, { message: "simulator internal error" });
        else res.destroy();
      });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost}:${address.port}`,
        port: address.port,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            // Hanging (fault-injected) and keep-alive connections must not hold close() open.
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** Reads the whole request body; rejects with BodyTooLargeError past `limitBytes`. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

export type JsonBodyResult =
  { ok: true; value: unknown } | { ok: false; reason: "too_large" | "invalid_json" | "empty" };

/** Reads and parses a JSON body without throwing. */
export async function readJson(req: IncomingMessage, limitBytes = 64 * 1024): Promise<JsonBodyResult> {
  let buf: Buffer;
  try {
    buf = await readBody(req, limitBytes);
  } catch {
    return { ok: false, reason: "too_large" };
  }
  const text = buf.toString("utf8");
  if (text.trim() === "") return { ok: false, reason: "empty" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "invalid_json" };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the request's media type (ignoring parameters such as charset) is `type`. */
export function hasContentType(req: IncomingMessage, type: string): boolean {
  const raw = req.headers["content-type"];
  if (typeof raw !== "string") return false;
  return (raw.split(";")[0] ?? "").trim().toLowerCase() === type.toLowerCase();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(payload);
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(body);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

/** Waits `ms`, or less if the client goes away first (so closed tests never wait on timers). */
export function delay(ms: number, req?: IncomingMessage): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      req?.socket.off("close", done);
      resolve();
    }
    req?.socket.once("close", done);
  });
}

/** Never answers: destroys the connection after `ms` (a timeout as the client sees it). */
export function hang(req: IncomingMessage, res: ServerResponse, ms: number): Promise<void> {
  return delay(ms, req).then(() => {
    res.destroy();
  });
}

// ---------------------------------------------------------------------------------------------
// Faults

/** Fault switches; counts (`...Next`) are consumed one per matching call. */
export type Faults = {
  /** Next N calls answer an error status (`status`). */
  failNext: number;
  /** Status for `failNext` (default 500). */
  status: number;
  /** Every call waits this long before it is handled. */
  delayMs: number;
  /** Next N successful calls answer a malformed body instead of the real one. */
  malformedNext: number;
  /** Next N calls hang without answering; the connection is dropped after `hangMs`. */
  timeoutNext: number;
  /** How long a `timeoutNext` call hangs (default 30 000 ms). */
  hangMs: number;
};

export const defaultFaults: Faults = {
  failNext: 0,
  status: 500,
  delayMs: 0,
  malformedNext: 0,
  timeoutNext: 0,
  hangMs: 30_000,
};

/** A simulator's faults: base switches plus simulator-specific counters `X` (e.g. `expireSessionNext`). */
export type FaultSet<X extends string = never> = Faults & Record<X, number>;
export type FaultPatch<X extends string = never> = Partial<FaultSet<X>>;

export type PreflightFault = { kind: "none" } | { kind: "fail"; status: number } | { kind: "timeout"; hangMs: number };

/**
 * Global faults plus optional per-endpoint faults. A per-endpoint switch is consumed before the
 * global one; `delayMs` is the larger of the two.
 */
export class FaultBoard<K extends string, X extends string = never> {
  private global: FaultSet<X>;
  private perKey = new Map<K, FaultSet<X>>();

  constructor(
    readonly keys: readonly K[],
    readonly extraCounters: readonly X[],
  ) {
    this.global = this.blank();
  }

  private blank(): FaultSet<X> {
    const extras = Object.fromEntries(this.extraCounters.map((x) => [x, 0])) as Record<X, number>;
    return { ...defaultFaults, ...extras };
  }

  /** Merges a patch into the global faults, or into one endpoint's faults when `key` is given. */
  set(patch: FaultPatch<X>, key?: K): void {
    if (key === undefined) {
      this.global = { ...this.global, ...patch };
      return;
    }
    this.perKey.set(key, { ...(this.perKey.get(key) ?? this.blank()), ...patch });
  }

  reset(): void {
    this.global = this.blank();
    this.perKey.clear();
  }

  snapshot(): { global: FaultSet<X>; endpoints: Partial<Record<K, FaultSet<X>>> } {
    return {
      global: { ...this.global },
      endpoints: Object.fromEntries([...this.perKey].map(([k, v]) => [k, { ...v }])) as Partial<Record<K, FaultSet<X>>>,
    };
  }

  delayMs(key: K): number {
    return Math.max(this.global.delayMs, this.perKey.get(key)?.delayMs ?? 0);
  }

  /** Consumes one unit of counter `field` for `key` (endpoint first, then global). */
  take(key: K, field: "failNext" | "malformedNext" | "timeoutNext" | X): boolean {
    return this.takeFrom(key, field) !== undefined;
  }

  /** Like `take`, returning the fault set the unit came from (its `status`/`hangMs` apply). */
  private takeFrom(key: K, field: string): FaultSet<X> | undefined {
    for (const set of [this.perKey.get(key), this.global]) {
      if (!set) continue;
      const counts = set as Record<string, number>;
      const n = counts[field] ?? 0;
      if (n > 0) {
        counts[field] = n - 1;
        return set;
      }
    }
    return undefined;
  }

  /** The infrastructure-level fault for this call (timeout before failure), consuming it. */
  preflight(key: K): PreflightFault {
    const timeout = this.takeFrom(key, "timeoutNext");
    if (timeout) return { kind: "timeout", hangMs: timeout.hangMs };
    const fail = this.takeFrom(key, "failNext");
    if (fail) return { kind: "fail", status: fail.status };
    return { kind: "none" };
  }

  /**
   * Validates a `POST /__sim/faults` body: `{ endpoint?: K, ...FaultPatch }`, or
   * `{ global?: FaultPatch, endpoints?: { [K]: FaultPatch } }`. Returns an error message or null.
   */
  applyJson(body: unknown): string | null {
    if (!isRecord(body)) return "body must be a JSON object";
    const numeric = new Set<string>([...Object.keys(defaultFaults), ...this.extraCounters]);
    const parsePatch = (raw: unknown, where: string): FaultPatch<X> | string => {
      if (!isRecord(raw)) return `${where} must be an object`;
      const patch: Record<string, number> = {};
      for (const [name, value] of Object.entries(raw)) {
        if (!numeric.has(name)) return `${where}: unknown fault "${name}"`;
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
          return `${where}.${name} must be a non-negative integer`;
        }
        if (name === "status" && (value < 400 || value > 599)) return `${where}.status must be 400–599`;
        patch[name] = value;
      }
      return patch as FaultPatch<X>;
    };
    const isKey = (k: unknown): k is K => typeof k === "string" && (this.keys as readonly string[]).includes(k);

    if ("global" in body || "endpoints" in body) {
      const extra = Object.keys(body).filter((k) => k !== "global" && k !== "endpoints");
      if (extra.length > 0) return `unknown field "${extra[0] ?? ""}"`;
      const pending: Array<[FaultPatch<X>, K | undefined]> = [];
      if (body.global !== undefined) {
        const p = parsePatch(body.global, "global");
        if (typeof p === "string") return p;
        pending.push([p, undefined]);
      }
      if (body.endpoints !== undefined) {
        if (!isRecord(body.endpoints)) return "endpoints must be an object";
        for (const [k, raw] of Object.entries(body.endpoints)) {
          if (!isKey(k)) return `unknown endpoint "${k}" (known: ${this.keys.join(", ")})`;
          const p = parsePatch(raw, `endpoints.${k}`);
          if (typeof p === "string") return p;
          pending.push([p, k]);
        }
      }
      for (const [p, k] of pending) this.set(p, k);
      return null;
    }

    const { endpoint, ...rest } = body;
    if (endpoint !== undefined && !isKey(endpoint)) {
      return `unknown endpoint "${String(endpoint)}" (known: ${this.keys.join(", ")})`;
    }
    const p = parsePatch(rest, "faults");
    if (typeof p === "string") return p;
    this.set(p, endpoint);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Counters

export type EndpointCounters = { received: number; succeeded: number; rejected: Record<string, number> };

/** Per-endpoint counts of calls received, successes, and rejections by reason. */
export class CounterBook<K extends string> {
  private data = new Map<K, EndpointCounters>();

  private entry(key: K): EndpointCounters {
    let e = this.data.get(key);
    if (!e) {
      e = { received: 0, succeeded: 0, rejected: {} };
      this.data.set(key, e);
    }
    return e;
  }

  received(key: K): void {
    this.entry(key).received += 1;
  }

  succeeded(key: K): void {
    this.entry(key).succeeded += 1;
  }

  rejected(key: K, reason: string): void {
    const e = this.entry(key);
    e.rejected[reason] = (e.rejected[reason] ?? 0) + 1;
  }

  get(key: K): EndpointCounters {
    const e = this.entry(key);
    return { received: e.received, succeeded: e.succeeded, rejected: { ...e.rejected } };
  }

  snapshot(): Partial<Record<K, EndpointCounters>> {
    return Object.fromEntries([...this.data.keys()].map((k) => [k, this.get(k)])) as Partial<
      Record<K, EndpointCounters>
    >;
  }

  reset(): void {
    this.data.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Control API

export type SimControl = {
  counters(): unknown;
  faults(): unknown;
  /** Applies a `POST /__sim/faults` JSON body; returns an error message or null. */
  applyFaults(body: unknown): string | null;
  reset(): void;
};

/** The control of a simulator whose counters and faults are a CounterBook and a FaultBoard. */
export function boardControl<K extends string, X extends string>(
  counters: CounterBook<K>,
  faults: FaultBoard<K, X>,
  reset: () => void,
): SimControl {
  return {
    counters: () => counters.snapshot(),
    faults: () => faults.snapshot(),
    applyFaults: (body) => faults.applyJson(body),
    reset,
  };
}

/**
 * Serves `/__sim/counters` (GET), `/__sim/faults` (GET current, POST patch) and `/__sim/reset`
 * (POST). Returns false when the path is not under `/__sim/`.
 */
export async function handleSimControl(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  control: SimControl,
): Promise<boolean> {
  if (pathname !== "/__sim" && !pathname.startsWith("/__sim/")) return false;
  const method = req.method ?? "GET";
  const allow = (methods: string): void => sendJson(res, 405, { message: "method not allowed" }, { allow: methods });

  switch (pathname) {
    case "/__sim/counters":
      if (method !== "GET") allow("GET");
      else sendJson(res, 200, control.counters());
      return true;
    case "/__sim/faults": {
      if (method === "GET") {
        sendJson(res, 200, control.faults());
        return true;
      }
      if (method !== "POST") {
        allow("GET, POST");
        return true;
      }
      const body = await readJson(req);
      if (!body.ok) {
        sendJson(res, 400, { message: `faults body: ${body.reason}` });
        return true;
      }
      const error = control.applyFaults(body.value);
      if (error) sendJson(res, 400, { message: error });
      else sendJson(res, 200, control.faults());
      return true;
    }
    case "/__sim/reset":
      if (method !== "POST") {
        allow("POST");
        return true;
      }
      await readBody(req, 64 * 1024).catch(() => Buffer.alloc(0));
      control.reset();
      sendJson(res, 200, { ok: true });
      return true;
    default:
      sendJson(res, 404, { message: "unknown simulator control path" });
      return true;
  }
}
