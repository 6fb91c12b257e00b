// A seller's flow as HTTP requests (what the browser sends), for the cluster spec and the scale bench:
// sellers with onboarding links seeded in SQL, Connect on one address, Noon's redirect to the callback on
// another. The Noon simulator runs in the calling process, so its codes are issued directly.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import type { StartedNoonSimulator } from "../../simulators/noon/index";
import type { StartedSecretsManagerSimulator } from "../../simulators/aws-secrets/index";
import { hashToken } from "../../lib/secrets/token-hash";

export type SeededSeller = { sellerId: string; linkToken: string };

/** Creates `n` sellers, each with a fresh onboarding link (token hashed as lib/sellers/links.ts does). */
export async function seedSellers(databaseUrl: string, n: number): Promise<SeededSeller[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out: SeededSeller[] = [];
    for (let i = 0; i < n; i++) {
      const sellerId = randomUUID();
      const linkToken = randomBytes(32).toString("base64url");
      await client.query(`INSERT INTO sellers (id, name, updated_at) VALUES ($1, $2, now())`, [
        sellerId,
        `Cluster Seller ${sellerId.slice(0, 6)}`,
      ]);
      await client.query(
        `INSERT INTO onboarding_links (id, seller_id, token_hash, expires_at, created_by) VALUES ($1, $2, $3, now() + interval '1 day', 'cli')`,
        [randomUUID(), sellerId, hashToken(linkToken)],
      );
      out.push({ sellerId, linkToken });
    }
    return out;
  } finally {
    await client.end();
  }
}

export type Connected = { cookie: string; state: string };

/** The seller clicks Connect Noon account: the form post to `base` (an instance or the balancer). */
export async function connect(base: string, appUrl: string, linkToken: string): Promise<Connected> {
  const res = await fetch(`${base}/api/noon/connect`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(appUrl).origin },
    body: new URLSearchParams({ link: linkToken }),
  });
  const location = res.headers.get("location") ?? "";
  const state = location ? new URL(location, base).searchParams.get("state") : null;
  const cookie = res.headers
    .getSetCookie()
    .find((c) => /^(__Host-)?seller-session=/.test(c))
    ?.split(";", 1)[0];
  if (res.status !== 303 || !state || !cookie)
    throw new Error(`connect answered ${res.status} (location ${location.slice(0, 80)})`);
  return { cookie, state };
}

/** Noon's redirect back: the callback on `base`. Resolves to the HTTP status (or "network" when cut). */
export async function callback(base: string, flow: Connected, code: string): Promise<number | "network"> {
  const url = new URL(`${base}/api/noon/callback`);
  url.searchParams.set("code", code);
  url.searchParams.set("state", flow.state);
  try {
    const res = await fetch(url, { redirect: "manual", headers: { cookie: flow.cookie } });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return "network";
  }
}

/** One whole flow: connect on `connectBase`, approve (a code from the simulator), callback on `callbackBase`. */
export async function sellerFlow(opts: {
  noon: StartedNoonSimulator;
  appUrl: string;
  connectBase: string;
  callbackBase: string;
  seller: SeededSeller;
}) {
  const flow = await connect(opts.connectBase, opts.appUrl, opts.seller.linkToken);
  const code = opts.noon.issueAuthorizationCode();
  return { flow, code, status: await callback(opts.callbackBase, flow, code) };
}

export type FlowOutcome = {
  reference: string;
  status: string;
  failureStage: string | null;
  secretName: string | null;
  calledBack: boolean;
};

/** Every authorization of these sellers with its end state. */
export async function outcomes(databaseUrl: string, sellerIds: string[]): Promise<FlowOutcome[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      reference: string;
      status: string;
      failure_stage: string | null;
      secret_name: string | null;
      called_back: boolean;
    }>(
      `SELECT a.reference, a.status, a.failure_stage, c.secret_name, a.callback_at IS NOT NULL AS called_back
         FROM noon_authorizations a LEFT JOIN seller_credentials c ON c.authorization_id = a.id AND c.status = 'ACTIVE'
        WHERE a.seller_id = ANY($1::uuid[])`,
      [sellerIds],
    );
    return rows.map((r) => ({
      reference: r.reference,
      status: r.status,
      failureStage: r.failure_stage,
      secretName: r.secret_name,
      calledBack: r.called_back,
    }));
  } finally {
    await client.end();
  }
}

/**
 * Keys Noon issued vs keys in the secret store, byte for byte (SHA-256 of each): the issued keys whose
 * stored copy is missing or differs (apart from `neverReceived`: exchanges that timed out before Noon's
 * answer reached us, recorded as failed), and how many secrets hold more than one version.
 */
export async function compareIssuedAndStored(
  noon: StartedNoonSimulator,
  aws: StartedSecretsManagerSimulator,
  databaseUrl: string,
) {
  const issued = (await (await fetch(`${noon.url}/__sim/issued-keys`)).json()) as {
    keys: { keyId: string; projectCode: string; sha256: string }[];
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ key_id: string; secret_name: string }>(
      `SELECT key_id, secret_name FROM seller_credentials`,
    );
    // token/exchange that timed out on our side (the machine overloaded): Noon may have issued the key after
    // we stopped waiting. Recorded as FAILED at token_exchange; the one window no write-ahead can close.
    const unanswered = await client.query<{ project_code: string }>(
      `SELECT project_code FROM noon_authorizations WHERE status = 'FAILED' AND failure_stage = 'token_exchange' AND failure_http_status IS NULL AND project_code IS NOT NULL`,
    );
    const unansweredProjects = new Set(unanswered.rows.map((r) => r.project_code));
    const nameOf = new Map(rows.map((r) => [r.key_id, r.secret_name]));
    const missing: string[] = [];
    const neverReceived: string[] = [];
    let multiVersion = 0;
    for (const key of issued.keys) {
      const name = nameOf.get(key.keyId);
      const stored = name ? aws.currentValue(name) : undefined;
      if (!stored || createHash("sha256").update(stored).digest("hex") !== key.sha256) {
        (!name && unansweredProjects.has(key.projectCode) ? neverReceived : missing).push(key.keyId);
      }
      if (name && (aws.state.secrets.get(name)?.versions.length ?? 0) > 1) multiVersion++;
    }
    return { issued: issued.keys.length, missing, neverReceived, multiVersion };
  } finally {
    await client.end();
  }
}
