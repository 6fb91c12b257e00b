// `npm run seller:link -- --name NAME [--email E] [--external-id ID] [--ttl-days N] [--locale en|ar] [--json]`
// Creates a seller (or finds it by external id) and prints a fresh onboarding link, with the app's own
// configuration. With no DATABASE_URL it uses the development database: the embedded PostgreSQL of
// `npm run dev` on port 5433 when it runs, otherwise it starts it from .data/pg for the duration.
import path from "node:path";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./lib/embedded-pg";
import { applyMigrations } from "./lib/schema-engine";
import { DEV_PG_PORT } from "./lib/stack";
import { isLocale, LOCALES } from "@/lib/i18n/locales";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

const USAGE =
  'usage: npm run seller:link -- --name "Seller name" [--email seller@example.com] [--external-id ID] [--ttl-days 7] [--locale en|ar] [--json]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        name: { type: "string" },
        email: { type: "string" },
        "external-id": { type: "string" },
        "ttl-days": { type: "string" },
        locale: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const name = values.name?.trim();
  if (!name) {
    console.error(`--name is required\n${USAGE}`);
    return 2;
  }
  const ttlDays = values["ttl-days"] === undefined ? undefined : Number(values["ttl-days"]);
  if (ttlDays !== undefined && !(Number.isFinite(ttlDays) && ttlDays > 0 && ttlDays <= 90)) {
    console.error("--ttl-days must be a number of days between 0 and 90");
    return 2;
  }

  const locale = values.locale?.trim() || undefined;
  if (locale !== undefined && !isLocale(locale)) {
    console.error(`--locale must be one of ${LOCALES.join(", ")}`);
    return 2;
  }

  let pg: EmbeddedPostgres | undefined;
  if (!process.env.DATABASE_URL?.trim()) {
    // Attaches to the cluster `npm run dev` runs, or starts it (and stops it again at the end).
    pg = await startEmbeddedPostgres({
      dataDir: path.join(process.cwd(), ".data", "pg"),
      port: DEV_PG_PORT,
      persistent: true,
      database: "seller_onboarding",
    });
    process.env.DATABASE_URL = pg.connectionString;
  }
  try {
    await applyMigrations(process.env.DATABASE_URL ?? "");
    const { createSellerWithLink } = await import("@/lib/sellers");
    const { db } = await import("@/lib/db/client");
    try {
      const { seller, ...link } = await createSellerWithLink({
        seller: { name, email: values.email ?? null, externalId: values["external-id"] ?? null },
        by: { type: "cli" },
        ttlDays,
        ...(locale ? { locale } : {}),
      });
      if (values.json) {
        console.log(
          JSON.stringify({
            sellerId: seller.id,
            created: seller.created,
            url: link.url,
            expiresAt: link.expiresAt.toISOString(),
            linkId: link.linkId,
          }),
        );
      } else {
        console.log(`Seller:  ${seller.name} (${seller.id})${seller.created ? " — created" : " — existing"}`);
        console.log(`Expires: ${link.expiresAt.toISOString()}`);
        console.log(`Link:    ${link.url}`);
        console.log("Send this link to the seller; it cannot be shown again.");
      }
    } finally {
      await db().$disconnect();
    }
    return 0;
  } finally {
    await pg?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`seller:link failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
