// Property-based fuzzing of every page, route handler and server action against a running server
// (`next start`): the inventory is tests/authz/matrix.ts plus the public routes. Each case is random and
// hostile input (query strings with repeated names, path segments, form bodies, JSON, header values);
// every answer must be below 500, an HTML answer must never carry an input unescaped, and a refused
// request must write nothing but what is meant to be recorded. Used by e2e/fuzz.spec.ts (bounded) and
// bench/fuzz.bench.ts (longer).
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import pg from "pg";
import { ACTIONS, PAGES, ROUTES, type ActionEntry } from "../authz/matrix";

export type FuzzTarget = {
  /** "GET /api/health", "action verifyCredentialAction", … */
  id: string;
  method: "GET" | "POST";
  /** Path with {placeholders} replaced by hostile segments. */
  path: string;
  kind: "page" | "route" | "action" | "public";
  /** Known field or parameter names (random ones are added). */
  names: string[];
  action?: ActionEntry;
};

export type FuzzCaller = "anonymous" | "admin";

export type FuzzProblem = { target: string; caller: FuzzCaller; problem: string; request: string };

export type FuzzReport = { cases: Record<string, number>; problems: FuzzProblem[] };

/** The inventory: every entry of the authorization matrix, and the routes anyone may call. */
export function fuzzTargets(): FuzzTarget[] {
  const targets: FuzzTarget[] = [
    { id: "GET /api/health", method: "GET", path: "/api/health", kind: "public", names: [] },
    { id: "POST /api/noon/connect", method: "POST", path: "/api/noon/connect", kind: "public", names: ["link"] },
    { id: "POST /api/locale", method: "POST", path: "/api/locale", kind: "public", names: ["locale", "back"] },
    {
      id: "GET /api/noon/callback",
      method: "GET",
      path: "/api/noon/callback",
      kind: "public",
      names: ["code", "state", "error", "error_description"],
    },
    { id: "GET /onboard/[token]", method: "GET", path: "/onboard/{token}", kind: "public", names: [] },
    {
      id: "GET /onboard/result/[reference]",
      method: "GET",
      path: "/onboard/result/{reference}",
      kind: "public",
      names: [],
    },
    { id: "GET /", method: "GET", path: "/", kind: "public", names: [] },
  ];
  for (const page of PAGES)
    targets.push({
      id: `GET ${page.path.replace(/\{\w+\}/g, "[id]")}`,
      method: "GET",
      path: page.path,
      kind: "page",
      names: ["q", "status", "seller", "page", "cursor", "callbackUrl", "token", "created", "from", "to"],
    });
  for (const route of ROUTES)
    targets.push({
      id: `${route.method} ${route.path.replace(/\{\w+\}/g, "[id]")}`,
      method: route.method === "GET" ? "GET" : "POST",
      path: route.path,
      kind: "route",
      names: ["q", "status", "seller", "since", "cursor", "format", "name", "email", "externalId"],
    });
  for (const action of ACTIONS) {
    // Signing out would end the fuzzing session itself; it takes no input anyway.
    if (action.name === "signOutAction") continue;
    // The folder too: two modules may export actions of the same name.
    const where = action.file.replace(/^app\/admin\//, "").replace(/\/?actions\.ts$/, "");
    targets.push({
      id: `action ${where}#${action.name}`,
      method: "POST",
      path: "",
      kind: "action",
      names: Object.keys(action.fields ?? {}),
      action,
    });
  }
  return targets;
}

// ── Inputs ──

/** A marker that must never come back raw in HTML: `<fz…>` opens a tag if echoed unescaped. */
const marker = fc.integer({ min: 0, max: 9999 }).map((n) => `<fz${n} onmouseover=alert(${n})>`);

const hostileConstant = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "%00",
  "%",
  "%%%",
  "%E0%A4%A",
  "../../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "' OR '1'='1' --",
  '"; DROP TABLE sellers; --',
  "${7*7}{{7*7}}#{7*7}",
  "__proto__",
  "constructor",
  "[object Object]",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  "99999999999999999999999999",
  "0x1F",
  "true",
  "[]",
  "{}",
  '{"a":',
  "\uD800",
  "\uFFFF\uFFFE",
  "🦄👩‍👩‍👧‍👦",
  "ﷺ̸̡̛̖̗̘̙",
  "\r\nSet-Cookie: x=1",
  "javascript:alert(1)",
  "//evil.example/",
  "https://evil.example/\\@localhost",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "NA-00000000",
  "NA-7K3Q9XWD",
  "PRJ12345",
  "sok_" + "A".repeat(43),
  "SUPPORT",
  "ADMIN",
  "NOYO",
  "SIMULATOR",
  "onboarding-links",
);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileConstant },
  { weight: 3, arbitrary: marker },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.uuid() },
  {
    weight: 1,
    arbitrary: fc.tuple(marker, fc.integer({ min: 2_000, max: 40_000 })).map(([m, n]) => m + "x".repeat(n)),
  },
);

/** Header values a client can send at all (visible ASCII; fetch refuses control characters). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom(
    "",
    "null",
    "http://evil.example",
    "text/html",
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "*/*",
    "Bearer ",
    "Bearer sok_x",
    "Basic Og==",
    "1.2.3.4, 5.6.7.8",
    "x".repeat(8000),
  ),
);

const name = (known: string[]) => (known.length ? fc.oneof(fc.constantFrom(...known), hostileString) : hostileString);

type Case = {
  segments: string[];
  query: [string, string][];
  headers: Record<string, string>;
  body:
    | { kind: "none" }
    | { kind: "form"; fields: [string, string][] }
    | { kind: "multipart"; fields: [string, string][] }
    | { kind: "json"; value: unknown }
    | { kind: "raw"; text: string };
};

function caseArbitrary(target: FuzzTarget): fc.Arbitrary<Case> {
  const pairs = fc.array(fc.tuple(name(target.names), hostileString), { maxLength: 6 });
  // Repeated names on purpose: the same known name twice or more.
  const duplicated = target.names.length
    ? fc.tuple(fc.constantFrom(...target.names), hostileString, hostileString).map(([n, a, b]): [string, string][] => [
        [n, a],
        [n, b],
      ])
    : fc.constant([] as [string, string][]);
  const query = fc
    .tuple(pairs, fc.oneof(fc.constant([] as [string, string][]), duplicated))
    .map(([a, b]) => [...a, ...b]);
  const headers = fc.dictionary(
    fc.constantFrom(
      "accept",
      "content-type",
      "cookie",
      "origin",
      "referer",
      "x-forwarded-for",
      "user-agent",
      "authorization",
      "accept-language",
      "if-none-match",
      "range",
      "next-router-state-tree",
      "rsc",
    ),
    headerValue,
    { maxKeys: 4 },
  );
  const body =
    target.method === "GET"
      ? fc.constant({ kind: "none" } as const)
      : fc.oneof(
          fc.record({
            kind: fc.constant("form" as const),
            fields: fc.tuple(pairs, duplicated).map(([a, b]) => [...a, ...b]),
          }),
          fc.record({
            kind: fc.constant("multipart" as const),
            fields: fc.tuple(pairs, duplicated).map(([a, b]) => [...a, ...b]),
          }),
          fc.record({
            kind: fc.constant("json" as const),
            value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(name(target.names), hostileString)),
          }),
          fc.record({ kind: fc.constant("raw" as const), text: hostileString }),
          fc.constant({ kind: "none" } as const),
        );
  return fc.record({ segments: fc.array(hostileString, { minLength: 2, maxLength: 2 }), query, headers, body });
}

// ── Requests ──

type ActionIds = Map<string, { id: string; page: string }>;

type Built = { url: string; init: RequestInit; summary: string };

function segment(raw: string): string {
  // Mostly encoded; sometimes raw dots and slashes to probe path handling.
  if (raw === ".." || raw.startsWith("../")) return raw;
  try {
    return encodeURIComponent(raw);
  } catch {
    // A lone surrogate: sent as the invalid UTF-8 bytes it would be.
    return `${encodeURIComponent(raw.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ""))}%ED%A0%80`;
  }
}

function buildRequest(baseUrl: string, target: FuzzTarget, c: Case, actionIds: ActionIds): Built | null {
  const headers: Record<string, string> = { ...c.headers };
  let url: string;
  let body: BodyInit | undefined;
  let segmentIndex = 0;
  const fillPath = (p: string) =>
    p.replace(/\{\w+\}/g, () => segment(c.segments[segmentIndex++ % c.segments.length] ?? "x"));
  if (target.kind === "action" && target.action) {
    const action = target.action;
    const ref = actionIds.get(`${action.file}#${action.name}`);
    if (!ref) return null;
    url = `${baseUrl}${ref.page}`;
    headers["next-action"] = ref.id;
    headers.accept = "text/x-component";
    headers.origin = baseUrl;
    const dict =
      c.body.kind === "json" && c.body.value && typeof c.body.value === "object" && !Array.isArray(c.body.value);
    if (c.body.kind === "json" && !dict) {
      // Any other JSON value as the whole body, with whatever content type was drawn: a script's raw call.
      body = JSON.stringify(c.body.value) ?? "";
      headers["content-type"] ??= "text/plain;charset=UTF-8";
    } else {
      // React's reply encoding: "_1_<name>" entries of the FormData, then "0" with the arguments.
      const form = new FormData();
      const fields =
        c.body.kind === "form" || c.body.kind === "multipart"
          ? c.body.fields
          : c.body.kind === "json"
            ? Object.entries(c.body.value as Record<string, unknown>).map(
                ([k, v]) => [k, String(v)] as [string, string],
              )
            : [];
      for (const [k, v] of fields) form.append(`_1_${k}`, v);
      // A raw body sometimes replaces the argument list: wrong types where React expects its encoding.
      form.append("0", c.body.kind === "raw" ? c.body.text : JSON.stringify([action.initialState ?? null, "$K1"]));
      delete headers["content-type"];
      body = form;
    }
  } else {
    const u = new URL(fillPath(target.path) || "/", baseUrl);
    for (const [k, v] of c.query) u.searchParams.append(k, v);
    url = u.toString();
    if (target.method === "POST") {
      headers.origin ??= baseUrl;
      switch (c.body.kind) {
        case "form":
          body = new URLSearchParams(c.body.fields).toString();
          headers["content-type"] ??= "application/x-www-form-urlencoded";
          break;
        case "multipart": {
          const form = new FormData();
          for (const [k, v] of c.body.fields) form.append(k, v);
          body = form;
          delete headers["content-type"];
          break;
        }
        case "json":
          body = JSON.stringify(c.body.value);
          headers["content-type"] ??= "application/json";
          break;
        case "raw":
          body = c.body.text;
          break;
        default:
          break;
      }
    }
  }
  const summary = `${target.method} ${url.length > 300 ? `${url.slice(0, 300)}… (${url.length} chars)` : url} headers=${JSON.stringify(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 80)}…` : v])))} body=${c.body.kind}`;
  return {
    url,
    init: { method: target.method, headers, body, redirect: "manual", signal: AbortSignal.timeout(30_000) },
    summary,
  };
}

// Node's limit for a request head, less what fetch adds itself (host, user-agent, accept, content-length…).
const NODE_MAX_HEAD = 16 * 1024 - 512;

function headSize(built: Built): number {
  return (
    built.url.length +
    Object.entries((built.init.headers ?? {}) as Record<string, string>).reduce(
      (n, [k, v]) => n + k.length + v.length + 4,
      0,
    )
  );
}

// ── Writes ──

/** Tables a refused request may still write: what is meant to be recorded (rate limits count refused attempts too), and what jobs write meanwhile. */
const RECORDED_ON_REFUSAL = new Set([
  "audit_events",
  "sign_in_throttles",
  "noon_callback_rejections",
  "noon_authorization_events",
  "noon_verification_windows",
  "api_key_usage",
  "rate_limits",
  "connection_token_requests",
  "_prisma_migrations",
]);

async function tableCounts(client: pg.Client, tables: string[]): Promise<Record<string, number>> {
  if (!tables.length) return {};
  const sql = `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM "${t}")::int AS c${i}`).join(", ")}`;
  const row = (await client.query<Record<string, number>>(sql)).rows[0] ?? {};
  return Object.fromEntries(tables.map((t, i) => [t, row[`c${i}`] ?? 0]));
}

function refused(status: number, location: string, body: string): boolean {
  if (status >= 400) return true;
  if (status >= 300 && status < 400) return /\/admin\/sign-in|\/onboard\/result|error/.test(location);
  // A server action's answer: its state says whether it did anything.
  return /"status":"error"/.test(body);
}

// ── The run ──

export async function runFuzz(opts: {
  baseUrl: string;
  databaseUrl: string;
  actionIds: ActionIds;
  /** Cookie header per caller (anonymous: none). */
  cookies: Partial<Record<FuzzCaller, string>>;
  /** Cases per target and caller. */
  runs: number;
  seed?: number;
  targets?: FuzzTarget[];
  onProgress?: (line: string) => void;
}): Promise<FuzzReport> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const tables = (
    await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
  ).rows
    .map((r) => r.tablename)
    .filter((t) => !RECORDED_ON_REFUSAL.has(t));
  const report: FuzzReport = { cases: {}, problems: [] };
  try {
    for (const target of opts.targets ?? fuzzTargets()) {
      const callers: FuzzCaller[] = target.kind === "public" ? ["anonymous"] : ["anonymous", "admin"];
      for (const caller of callers) {
        // Each failed sign-in is slowed down on purpose (lib/auth/throttle.ts): a few cases are enough.
        const runs = target.action?.name === "signInAction" ? Math.min(opts.runs, 3) : opts.runs;
        await fc.assert(
          fc.asyncProperty(caseArbitrary(target), async (c) => {
            const built = buildRequest(opts.baseUrl, target, c, opts.actionIds);
            if (!built) {
              report.problems.push({
                target: target.id,
                caller,
                problem: "not in the build's action manifest",
                request: "",
              });
              return true;
            }
            const cookie = opts.cookies[caller];
            if (cookie) (built.init.headers as Record<string, string>).cookie = cookie;
            const before = await tableCounts(client, tables);
            let status = 0;
            let text = "";
            let contentType = "";
            let location = "";
            try {
              const res = await fetch(built.url, built.init);
              status = res.status;
              contentType = res.headers.get("content-type") ?? "";
              location = res.headers.get("location") ?? res.headers.get("x-action-redirect") ?? "";
              text = await res.text();
            } catch (error) {
              // Past Node's 16 KB limit for the request head the connection is refused before the app runs.
              // Or the answer's head is past what fetch itself reads (e.g. Next's own redirect of a very long URL).
              const code = (error as { cause?: { code?: string } }).cause?.code;
              if (headSize(built) > NODE_MAX_HEAD || code === "UND_ERR_HEADERS_OVERFLOW") {
                report.cases[target.id] = (report.cases[target.id] ?? 0) + 1;
                return true;
              }
              const cause = (error as { cause?: { code?: string; message?: string } }).cause;
              report.problems.push({
                target: target.id,
                caller,
                problem: `no answer (${error instanceof Error ? error.message : String(error)}: ${cause?.code ?? cause?.message ?? "no cause"})`,
                request: built.summary,
              });
              return true;
            }
            report.cases[target.id] = (report.cases[target.id] ?? 0) + 1;
            if (status >= 500)
              report.problems.push({
                target: target.id,
                caller,
                problem: `HTTP ${status}: ${text.slice(0, 200)}`,
                request: built.summary,
              });
            // 431: Node's HTTP parser refuses an oversized head before the app runs, with no body.
            if (status >= 400 && status !== 405 && status !== 431 && text.trim() === "")
              report.problems.push({
                target: target.id,
                caller,
                problem: `HTTP ${status} with an empty body`,
                request: built.summary,
              });
            if (contentType.includes("text/html") && /<fz\d+ /.test(text)) {
              report.problems.push({
                target: target.id,
                caller,
                problem: "an input came back unescaped in HTML",
                request: built.summary,
              });
            }
            if (refused(status, location, text)) {
              const after = await tableCounts(client, tables);
              const changed = tables.filter((t) => after[t] !== before[t]);
              if (changed.length)
                report.problems.push({
                  target: target.id,
                  caller,
                  problem: `refused (HTTP ${status}) but wrote to ${changed.join(", ")}`,
                  request: built.summary,
                });
            }
            return true;
          }),
          { numRuns: runs, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), endOnFailure: true },
        );
      }
      opts.onProgress?.(`${target.id}: ${report.cases[target.id] ?? 0} cases`);
    }
  } finally {
    await client.end();
  }
  return report;
}

/** Server action ids from the build's manifest, with a page that can carry each one. */
export function actionIdsFromManifest(manifest: {
  node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
}): ActionIds {
  const ids: ActionIds = new Map();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (!entry.filename || !entry.exportedName) continue;
    const workers = Object.keys(entry.workers).map((w) => w.replace(/^app/, "").replace(/\/page$/, "") || "/");
    const page = workers.find((w) => !w.includes("[") && w !== "/admin") ?? workers[0] ?? "/admin";
    ids.set(`${entry.filename}#${entry.exportedName}`, { id, page: page.replace(/\[[^\]]+\]/g, randomUUID()) });
  }
  return ids;
}
