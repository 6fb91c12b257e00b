// `npm run db:seed:large -- --requests 1000000 [--sellers N]`: fills a database with realistic sellers,
// onboarding links, Noon authorization requests (every status), their timelines and credential references,
// entirely in SQL (INSERT … SELECT over generate_series, in batches), for the support view's scale checks.
// Uses DATABASE_URL when set, otherwise the development database (embedded PostgreSQL in .data/pg).
// Every value is synthetic; credential rows hold references to secrets that do not exist.
import { randomInt } from "node:crypto";
import { pathToFileURL } from "node:url";
import pg from "pg";

export interface SeedOptions {
  requests: number;
  /** Default: one seller per 4 requests. */
  sellers?: number;
  batchSize?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  sellers: number;
  requests: number;
  events: number;
  ms: number;
}

const FIRST = [
  "Ahmed",
  "Fatima",
  "Omar",
  "Aisha",
  "Yousef",
  "Mariam",
  "Khalid",
  "Noura",
  "Hassan",
  "Layla",
  "Ali",
  "Sara",
  "Ibrahim",
  "Huda",
  "Tariq",
  "Reem",
  "Faisal",
  "Dana",
  "Saeed",
  "Lina",
  "John",
  "Priya",
  "Wei",
  "Elena",
  "Carlos",
  "Amit",
  "Grace",
  "Mohammed",
  "Zainab",
  "Rashid",
  "Salma",
  "Nabil",
  "Yasmin",
  "Karim",
  "Hana",
  "Samir",
  "Rania",
  "Adel",
  "Mona",
  "Jamal",
];
const LAST = [
  "Al Mansoori",
  "Khan",
  "Haddad",
  "Rahman",
  "Al Farsi",
  "Nasser",
  "Saleh",
  "Youssef",
  "Hamdan",
  "Qureshi",
  "Aziz",
  "Chaudhry",
  "Al Zaabi",
  "Kareem",
  "Mahmoud",
  "Sultan",
  "Farouk",
  "Abbas",
  "Hussein",
  "Malik",
  "Smith",
  "Patel",
  "Chen",
  "Garcia",
  "Silva",
  "Kumar",
  "Okafor",
  "Rossi",
  "Novak",
  "Tanaka",
  "Jaber",
  "Darwish",
  "Suleiman",
  "Bakr",
  "Hakim",
  "Rizvi",
  "Siddiqui",
  "Nair",
  "Menon",
  "Fernandes",
];
const TRADES = [
  "Electronics",
  "Fashion",
  "Home",
  "Beauty",
  "Toys",
  "Sports",
  "Books",
  "Grocery",
  "Outdoors",
  "Pets",
  "Jewellery",
  "Kitchen",
  "Mobiles",
  "Watches",
  "Perfumes",
  "Baby",
  "Office",
  "Garden",
  "Auto Parts",
  "Gaming",
];
const DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "shop.example"];

const sqlArray = (items: string[]) => `ARRAY[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(",")}]::text[]`;

// Timelines per path: [event type, milliseconds after the previous event]. The failure event takes the
// row's stage/status/message.
const PATHS: Record<string, { status: string; events: [string, number][] }> = {
  completed: {
    status: "COMPLETED",
    events: [
      ["started", 0],
      ["callback_received", 45_000],
      ["token_created", 400],
      ["exchanged", 900],
      ["key_stored", 150],
      ["completed", 20],
    ],
  },
  superseded: {
    status: "SUPERSEDED",
    events: [
      ["started", 0],
      ["callback_received", 60_000],
      ["token_created", 400],
      ["exchanged", 900],
      ["key_stored", 150],
      ["completed", 20],
      ["superseded", 20 * 86_400_000],
    ],
  },
  pending_key: {
    status: "PENDING_KEY_STORAGE",
    events: [
      ["started", 0],
      ["callback_received", 30_000],
      ["token_created", 400],
      ["exchanged", 900],
      ["key_pending_storage", 5_000],
    ],
  },
  declined: {
    status: "DECLINED",
    events: [
      ["started", 0],
      ["callback_received", 20_000],
      ["declined", 5],
    ],
  },
  rejected: {
    status: "REJECTED",
    events: [
      ["started", 0],
      ["rejected", 90_000],
    ],
  },
  expired: {
    status: "EXPIRED",
    events: [
      ["started", 0],
      ["expired", 1_800_000],
    ],
  },
  started: { status: "STARTED", events: [["started", 0]] },
  failed_login: {
    status: "FAILED",
    events: [
      ["started", 0],
      ["callback_received", 40_000],
      ["failed", 3_000],
    ],
  },
  failed_create: {
    status: "FAILED",
    events: [
      ["started", 0],
      ["callback_received", 40_000],
      ["failed", 800],
    ],
  },
  failed_exchange: {
    status: "FAILED",
    events: [
      ["started", 0],
      ["callback_received", 40_000],
      ["token_created", 400],
      ["failed", 10_000],
    ],
  },
};

// Out of 1000 requests (must add up to 1000).
const MIX: [keyof typeof PATHS, number][] = [
  ["completed", 620],
  ["superseded", 100],
  ["pending_key", 15],
  ["declined", 60],
  ["rejected", 30],
  ["expired", 80],
  ["started", 15],
  ["failed_login", 20],
  ["failed_create", 30],
  ["failed_exchange", 30],
];

const FAILURES: Record<string, { stage: string; status: number | null; message: string }[]> = {
  failed_login: [
    { stage: "login", status: 503, message: "Noon answered HTTP 503 while signing in as the integrator" },
    { stage: "login", status: null, message: "Noon did not answer within 15 s while signing in as the integrator" },
  ],
  failed_create: [
    {
      stage: "token_create",
      status: 400,
      message: "Noon answered HTTP 400 while creating the access token: invalid_grant (code already used)",
    },
    { stage: "token_create", status: 401, message: "Noon refused the session twice while creating the access token" },
    { stage: "token_create", status: 502, message: "Noon answered HTTP 502 while creating the access token" },
  ],
  failed_exchange: [
    {
      stage: "token_exchange",
      status: 200,
      message: "Noon refused exchanging the access token: status code 4003 (project not eligible)",
    },
    { stage: "token_exchange", status: 500, message: "Noon answered HTTP 500 while exchanging the access token" },
    {
      stage: "token_exchange",
      status: 200,
      message: "Noon's answer to exchanging the access token did not have the expected shape (result.private_key)",
    },
  ],
};

function templateSql(): string {
  const rows: string[] = [];
  for (const [path, def] of Object.entries(PATHS)) {
    let offset = 0;
    def.events.forEach(([type, delta], seq) => {
      offset += delta;
      rows.push(`('${path}', ${seq}, '${type}', ${offset})`);
    });
  }
  return `CREATE TEMP TABLE seed_event_templates (path text, seq int, type text, offset_ms bigint);
INSERT INTO seed_event_templates VALUES ${rows.join(",\n")};`;
}

function mixSql(): string {
  // Cumulative thresholds on (hash % 1000).
  let acc = 0;
  const whens = MIX.map(([path, n]) => {
    acc += n;
    return `WHEN b.bucket < ${acc} THEN '${path}'`;
  });
  if (acc !== 1000) throw new Error("status mix must add up to 1000");
  return `CASE ${whens.join(" ")} END`;
}

function failureSql(): string {
  const rows: string[] = [];
  for (const [path, list] of Object.entries(FAILURES)) {
    list.forEach((f, i) =>
      rows.push(
        `('${path}', ${i}, ${list.length}, '${f.stage}', ${f.status ?? "NULL"}, '${f.message.replace(/'/g, "''")}')`,
      ),
    );
  }
  return `CREATE TEMP TABLE seed_failures (path text, idx int, n int, stage text, http_status int, message text);
INSERT INTO seed_failures VALUES ${rows.join(",\n")};`;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Seeds into the database `client` is connected to. */
export async function seedLarge(client: pg.ClientBase, opts: SeedOptions): Promise<SeedResult> {
  const say = opts.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const requests = Math.max(1, Math.trunc(opts.requests));
  const sellers = Math.max(1, Math.trunc(opts.sellers ?? Math.ceil(requests / 4)));
  const batch = Math.max(1000, Math.trunc(opts.batchSize ?? 200_000));
  // A run-specific salt keeps external ids, hashes and references apart from earlier seeds.
  const salt = randomInt(1, 2 ** 30);
  const q = (text: string, values: unknown[] = []) => client.query(text, values);

  await q("SET synchronous_commit = off");
  // The seller change-feed triggers (one seller update per request and per credential) would double the
  // load time; a bulk load of consistent rows does without them. Session-only, so nothing stays switched
  // off if the seed dies; it needs a superuser, and without one the seed runs with the triggers.
  const triggersOff = await q("SET session_replication_role = replica").then(
    () => true,
    () => false,
  );
  await q(`DROP TABLE IF EXISTS seed_sellers, seed_event_templates, seed_failures, seed_batch`);
  await q(templateSql());
  await q(failureSql());

  // Sellers over the last two years, numbered 1..S for the requests to pick from.
  await q(`CREATE TEMP TABLE seed_sellers (n int PRIMARY KEY, id uuid NOT NULL, created_at timestamptz NOT NULL)`);
  let t = Date.now();
  await q(
    `WITH gen AS (
       SELECT i, gen_random_uuid() AS id,
              now() - (random() * interval '730 days') AS created_at,
              (${sqlArray(FIRST)})[1 + (hashint4(i * 3 + $1::int) & 2147483647) % ${FIRST.length}] AS first,
              (${sqlArray(LAST)})[1 + (hashint4(i * 5 + $1::int) & 2147483647) % ${LAST.length}] AS last,
              (${sqlArray(TRADES)})[1 + (hashint4(i * 7 + $1::int) & 2147483647) % ${TRADES.length}] AS trade,
              (${sqlArray(DOMAINS)})[1 + i % ${DOMAINS.length}] AS domain
       FROM generate_series(1, $2::int) AS i
     ), ins AS (
       INSERT INTO sellers (id, name, email, external_id, created_at, updated_at)
       SELECT id, first || ' ' || last || ' ' || trade,
              CASE WHEN i % 10 = 0 THEN NULL
                   ELSE lower(replace(first, ' ', '')) || '.' || lower(replace(last, ' ', '')) || '.' || i || '@' || domain END,
              'seed-' || $1::int || '-' || i, created_at, created_at
       FROM gen
     )
     INSERT INTO seed_sellers SELECT i, id, created_at FROM gen`,
    [salt, sellers],
  );
  say(`  ${sellers.toLocaleString("en")} sellers (${Date.now() - t} ms)`);

  t = Date.now();
  await q(
    `INSERT INTO onboarding_links (id, seller_id, token_hash, expires_at, revoked_at, created_by, revoked_by, last_used_at, created_at)
     SELECT gen_random_uuid(), s.id, encode(sha256(('seed-link:' || $1::int || ':' || s.n)::bytea), 'hex'),
            s.created_at + interval '7 days',
            CASE WHEN s.n % 17 = 0 THEN s.created_at + interval '2 days' END, 'cli',
            CASE WHEN s.n % 17 = 0 THEN 'cli' END,
            CASE WHEN s.n % 3 <> 0 THEN s.created_at + interval '1 hour' END,
            s.created_at
     FROM seed_sellers s`,
    [salt],
  );
  say(`  ${sellers.toLocaleString("en")} onboarding links (${Date.now() - t} ms)`);

  let events = 0;
  for (let start = 1; start <= requests; start += batch) {
    const end = Math.min(requests, start + batch - 1);
    t = Date.now();
    await q(`DROP TABLE IF EXISTS seed_batch`);
    // One row per request: its path through the flow, seller, time and derived identifiers.
    await q(
      `CREATE TEMP TABLE seed_batch AS
       SELECT c.i, gen_random_uuid() AS id, c.path, s.id AS seller_id, s.n AS seller_n,
              CASE WHEN c.path = 'started' THEN now() - random() * interval '25 minutes'
                   WHEN c.path = 'pending_key' THEN now() - random() * interval '3 days'
                   ELSE now() - random() * interval '365 days' END AS created_at,
              c.x
       FROM (
         SELECT b.i, b.seller_n, b.x0 # (b.x0 >> 17) AS x, ${mixSql()} AS path
         FROM (
           SELECT g.i, (hashint4(g.i + $1::int) & 2147483647) % 1000 AS bucket,
                  1 + (hashint4(g.i * 13 + $1::int) & 2147483647) % $4::int AS seller_n,
                  -- A bijection of (i + salt) on 40 bits: distinct references within and across seeds.
                  (((g.i::bigint + $1::bigint) * 1103515245) & 1099511627775) AS x0
           FROM generate_series($2::int, $3::int) AS g(i)
         ) b
       ) c
       JOIN seed_sellers s ON s.n = c.seller_n`,
      [salt, start, end, sellers],
    );
    const reference = Array.from(
      { length: 8 },
      (_, k) => `substr('${CROCKFORD}', (((b.x >> ${5 * (7 - k)}) & 31)::int) + 1, 1)`,
    ).join(" || ");
    await q(
      `INSERT INTO noon_authorizations (id, reference, seller_id, status, state_hash, state_expires_at, callback_at, completed_at,
         project_code, oauth_request_id, failure_stage, failure_http_status, failure_message, created_at, updated_at)
       SELECT b.id, 'NA-' || ${reference}, b.seller_id,
              (CASE ${Object.entries(PATHS)
                .map(([p, d]) => `WHEN b.path = '${p}' THEN '${d.status}'`)
                .join(" ")} END)::noon_authorization_status,
              encode(sha256(('seed-state:' || $1::int || ':' || b.i)::bytea), 'hex'),
              b.created_at + interval '10 minutes',
              CASE WHEN b.path IN ('started', 'expired', 'rejected') THEN NULL ELSE last.callback END,
              CASE WHEN b.path IN ('completed', 'superseded') THEN last.finished END,
              CASE WHEN b.path IN ('completed', 'superseded', 'pending_key', 'failed_exchange') THEN 'PRJ' || lpad(b.seller_n::text, 6, '0') END,
              CASE WHEN b.path IN ('completed', 'superseded', 'pending_key') THEN gen_random_uuid()::text END,
              f.stage, f.http_status, f.message,
              b.created_at, COALESCE(last.finished, b.created_at)
       FROM seed_batch b
       LEFT JOIN seed_failures f ON f.path = b.path AND f.idx = (b.i % f.n)
       CROSS JOIN LATERAL (
         SELECT b.created_at + max(CASE WHEN t.type = 'callback_received' THEN t.offset_ms END) * interval '1 ms' AS callback,
                b.created_at + max(t.offset_ms) * interval '1 ms' AS finished
         FROM seed_event_templates t WHERE t.path = b.path
       ) last`,
      [salt],
    );
    const inserted = await q(
      `INSERT INTO noon_authorization_events (authorization_id, type, at, stage, http_status, message, details)
       SELECT b.id, t.type, b.created_at + t.offset_ms * interval '1 ms',
              CASE WHEN t.type = 'failed' THEN f.stage END,
              CASE WHEN t.type = 'failed' THEN f.http_status END,
              CASE WHEN t.type = 'failed' THEN f.message END,
              CASE WHEN t.type = 'started' THEN jsonb_build_object('stateExpiresAt', to_char((b.created_at + interval '10 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END
       FROM seed_batch b
       JOIN seed_event_templates t ON t.path = b.path
       LEFT JOIN seed_failures f ON f.path = b.path AND f.idx = (b.i % f.n)
       ORDER BY b.id, t.seq`,
    );
    events += inserted.rowCount ?? 0;
    await q(
      `INSERT INTO seller_credentials (id, seller_id, authorization_id, status, project_code, key_id, channel_identifier, issued_at,
         secret_name, secret_arn, secret_version_id, stored_at, superseded_at, created_at)
       SELECT gen_random_uuid(), a.seller_id, a.id,
              (CASE WHEN a.status = 'COMPLETED' THEN 'ACTIVE' WHEN a.status = 'SUPERSEDED' THEN 'SUPERSEDED' ELSE 'PENDING_STORAGE' END)::credential_status,
              a.project_code, 'key_' || substr(md5(a.id::text), 1, 16), 'ch_' || substr(md5(a.reference), 1, 8), a.callback_at,
              'seller-onboarding/noon/' || a.seller_id || '/' || a.id,
              CASE WHEN a.status <> 'PENDING_KEY_STORAGE' THEN 'arn:aws:secretsmanager:us-east-1:000000000000:secret:seller-onboarding/noon/' || a.seller_id || '/' || a.id || '-Ab12Cd' END,
              CASE WHEN a.status <> 'PENDING_KEY_STORAGE' THEN gen_random_uuid()::text END,
              CASE WHEN a.status <> 'PENDING_KEY_STORAGE' THEN a.completed_at END,
              CASE WHEN a.status = 'SUPERSEDED' THEN a.completed_at + interval '20 days' END,
              a.callback_at
       FROM noon_authorizations a JOIN seed_batch b ON b.id = a.id
       WHERE a.status IN ('COMPLETED', 'SUPERSEDED', 'PENDING_KEY_STORAGE')`,
    );
    say(
      `  requests ${start.toLocaleString("en")}–${end.toLocaleString("en")} with their events (${Date.now() - t} ms)`,
    );
  }
  await q(`DROP TABLE IF EXISTS seed_sellers, seed_event_templates, seed_failures, seed_batch`);
  if (triggersOff) await q("RESET session_replication_role");
  t = Date.now();
  // Fresh statistics (the planner and the status estimates) and a visibility map (index-only scans).
  await q(
    `VACUUM (ANALYZE) sellers, onboarding_links, noon_authorizations, noon_authorization_events, seller_credentials`,
  );
  say(`  VACUUM ANALYZE (${Date.now() - t} ms)`);
  return { sellers, requests, events, ms: Date.now() - started };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

export function parseCount(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 1 || n > 50_000_000)
    throw new Error(`${name} must be a whole number between 1 and 50,000,000`);
  return n;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const requests = parseCount(argValue(args, "--requests"), 100_000, "--requests");
  const sellersArg = argValue(args, "--sellers");
  const sellers = sellersArg === undefined ? undefined : parseCount(sellersArg, 1, "--sellers");

  const { startLocalStack } = await import("./lib/stack");
  const stack = await startLocalStack({
    mode: "dev",
    appUrl: "http://localhost:3000",
    env: process.env,
    simulators: false,
    log: (l) => console.log(l),
  });
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  try {
    await client.connect();
    console.log(`Seeding ${requests.toLocaleString("en")} Noon authorization requests…`);
    const result = await seedLarge(client, { requests, sellers });
    console.log(
      `Done in ${(result.ms / 1000).toFixed(1)} s: ${result.sellers.toLocaleString("en")} sellers, ` +
        `${result.requests.toLocaleString("en")} requests, ${result.events.toLocaleString("en")} events.`,
    );
  } finally {
    await client.end().catch(() => undefined);
    await stack.stop();
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
