// Server-side steps of bench/token.bench.ts and bench/callback.bench.ts, run as their own process (the
// app's modules need the react-server condition). Each prints one JSON line.
//   connections <tokenUrl> <apiBaseUrl> <clientId> <n>  n Noyo connections and one connection-tokens API key
//   sellers <n>                                        n sellers, each with an onboarding link token
//   outcomes                                           authorizations by status
//   usage                                              accepted API-key calls recorded (api_key_usage)
//   timeline <connectionId>                            when its provider request was recorded and its token written
import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { createConnection } from "@/lib/connections/service";
import { hashApiKey } from "@/lib/api-keys/authenticate";
import { createOnboardingLink, createSeller } from "@/lib/sellers";

const [mode, ...args] = process.argv.slice(2);

async function connections(tokenUrl: string, apiBaseUrl: string, clientId: string, n: number) {
  const actor = { id: randomUUID(), email: "bench@localhost", ip: null };
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `bench-${randomUUID().slice(0, 8)}`;
    const clientSecret = process.env.BENCH_CLIENT_SECRET ?? "";
    const { id } = await createConnection(
      { provider: "NOYO", environment: "SANDBOX", name, clientId, clientSecret, tokenUrl, apiBaseUrl },
      actor,
    );
    ids.push(id);
  }
  const apiKey = `sok_${randomBytes(32).toString("base64url")}`;
  await db().apiKey.create({
    data: {
      name: "bench",
      prefix: apiKey.slice(0, 12),
      keyHash: hashApiKey(apiKey),
      scopes: ["connection-tokens"],
      createdBy: "bench",
    },
  });
  return { connectionIds: ids, apiKey };
}

async function sellers(n: number) {
  const links: string[] = [];
  for (let i = 0; i < n; i++) {
    const seller = await createSeller({ name: `Bench seller ${randomUUID().slice(0, 8)}` });
    links.push((await createOnboardingLink({ sellerId: seller.id, createdBy: "bench" })).token);
  }
  return { links };
}

async function outcomes() {
  const rows = await db().noonAuthorization.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}

async function usage() {
  const sum = await db().apiKeyUsage.aggregate({ _sum: { count: true } });
  return { calls: sum._sum.count ?? 0 };
}

/** Epoch ms (PostgreSQL's clock, same machine) of a connection's first provider request and first token write. */
async function timeline(connectionId: string) {
  const [request, fetched] = await Promise.all([
    db().connectionTokenRequest.findFirst({ where: { connectionId }, orderBy: { at: "asc" } }),
    db().connectionEvent.findFirst({ where: { connectionId, type: "token_fetched" }, orderBy: { at: "asc" } }),
  ]);
  return {
    requestAt: request?.at.getTime() ?? null,
    fetchedAt: fetched?.at.getTime() ?? null,
    providerMs: fetched?.latencyMs ?? null,
  };
}

const out =
  mode === "usage"
    ? await usage()
    : mode === "timeline"
      ? await timeline(args[0] ?? "")
      : mode === "connections"
        ? await connections(args[0] ?? "", args[1] ?? "", args[2] ?? "", Number(args[3] ?? 1))
        : mode === "sellers"
          ? await sellers(Number(args[0] ?? 1))
          : mode === "outcomes"
            ? await outcomes()
            : (() => {
                throw new Error(
                  "usage: app-driver.ts connections <tokenUrl> <apiBaseUrl> <clientId> <n> | sellers <n> | outcomes | usage | timeline <connectionId>",
                );
              })();
console.log(JSON.stringify(out));
process.exit(0);
