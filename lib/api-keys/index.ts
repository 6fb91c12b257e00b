import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { StaffPrincipal } from "@/lib/auth/guard";
import { hashApiKey } from "@/lib/api-keys/authenticate";
import { API_KEY_SCOPES } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { announceApiKeyChange } from "./cache";
import { flushApiKeyUsage } from "./usage";

// API keys for internal services: "sok_" + 32 random bytes (base64url). Only a SHA-256 of the key is
// stored; the first 12 characters (the prefix) identify it in lists and in the audit trail.

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Null: never expires. */
  expiresAt: Date | null;
  /** Empty: every connection. A connection deleted since has no name. */
  connections: { id: string; name: string | null }[];
  usesLast24h: number;
}

/** Keys are valid through the chosen day (UTC) and for at most this many years. */
const MAX_VALIDITY_YEARS = 5;

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1, "Give the key a name (which service uses it).").max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Choose at least one scope."),
    /** The last day the key works (UTC, YYYY-MM-DD); empty: never expires. */
    expiresOn: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined)
      .pipe(z.iso.date("Give the last valid day as a date (YYYY-MM-DD).").optional()),
    connectionIds: z.array(z.uuid("Choose connections from the list.")).max(100).default([]),
  })
  .superRefine((data, ctx) => {
    // Only a well-formed day is compared (a malformed one already has its issue).
    if (data.expiresOn && /^\d{4}-\d{2}-\d{2}$/.test(data.expiresOn)) {
      const today = new Date().toISOString().slice(0, 10);
      const latest = new Date();
      latest.setUTCFullYear(latest.getUTCFullYear() + MAX_VALIDITY_YEARS);
      if (data.expiresOn < today)
        ctx.addIssue({
          code: "custom",
          path: ["expiresOn"],
          message: "Choose today or a later day.",
          params: { i18n: "admin.apiKeys.errors.pastDay" },
        });
      else if (data.expiresOn > latest.toISOString().slice(0, 10))
        ctx.addIssue({
          code: "custom",
          path: ["expiresOn"],
          message: `Choose a day within ${MAX_VALIDITY_YEARS} years.`,
          params: { i18n: "admin.apiKeys.errors.tooFar", values: { years: MAX_VALIDITY_YEARS } },
        });
    }
    if (data.connectionIds.length && !data.scopes.includes("connection-tokens")) {
      ctx.addIssue({
        code: "custom",
        path: ["connectionIds"],
        message: "Connection limits apply to the connection-tokens scope: tick it, or clear the connections.",
        params: { i18n: "admin.apiKeys.errors.limitsNeedScope" },
      });
    }
  });

/** End of the given UTC day: the instant a key valid "through" that day expires. */
export const endOfUtcDay = (day: string) => new Date(`${day}T23:59:59.999Z`);

export async function createApiKey(
  input: z.input<typeof createApiKeySchema>,
  by: StaffPrincipal,
): Promise<{ id: string; key: string; prefix: string }> {
  const data = createApiKeySchema.parse(input);
  const scopes = [...new Set(data.scopes)];
  const connectionIds = [...new Set(data.connectionIds.map((id) => id.toLowerCase()))];
  const expiresAt = data.expiresOn ? endOfUtcDay(data.expiresOn) : null;
  if (
    connectionIds.length &&
    (await db().connection.count({ where: { id: { in: connectionIds } } })) !== connectionIds.length
  ) {
    throw new AppError(
      "BAD_REQUEST",
      "One of the chosen connections no longer exists: reload the page and choose again.",
    );
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const key = `sok_${randomBytes(32).toString("base64url")}`;
    const prefix = key.slice(0, 12);
    try {
      const row = await db().apiKey.create({
        data: {
          name: data.name,
          prefix,
          keyHash: hashApiKey(key),
          scopes,
          expiresAt,
          connectionIds,
          createdBy: `staff:${by.id}`,
        },
        select: { id: true },
      });
      await recordAudit({
        actor: { type: "staff", id: by.id, label: by.email },
        action: "api_key.created",
        target: { type: "api_key", id: row.id },
        ip: by.ip,
        details: { name: data.name, prefix, scopes, expiresAt: expiresAt?.toISOString() ?? null, connectionIds },
      });
      return { id: row.id, key, prefix };
    } catch (error) {
      // A prefix collision (1 in 2^48) just draws a new key.
      if ((error as { code?: unknown }).code !== "P2002") throw error;
    }
  }
  throw new AppError("INTERNAL", "Could not create a unique key; try again.");
}

export async function listApiKeys(now = new Date()): Promise<ApiKeySummary[]> {
  const since = new Date(now.getTime() - 24 * 3_600_000);
  // This process's counts of the last second are written first; other instances' within a second.
  await flushApiKeyUsage();
  const keys = await db().apiKey.findMany({
    orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
  });
  const usage = await db().apiKeyUsage.groupBy({
    by: ["apiKeyId"],
    where: { hour: { gte: since } },
    _sum: { count: true },
  });
  const uses = new Map(usage.map((u) => [u.apiKeyId, u._sum.count ?? 0]));
  const limited = [...new Set(keys.flatMap((k) => k.connectionIds))];
  const names = new Map(
    (limited.length
      ? await db().connection.findMany({ where: { id: { in: limited } }, select: { id: true, name: true } })
      : []
    ).map((c) => [c.id, c.name]),
  );
  return keys.map(({ connectionIds, ...k }) => ({
    ...k,
    connections: connectionIds.map((id) => ({ id, name: names.get(id) ?? null })),
    usesLast24h: uses.get(k.id) ?? 0,
  }));
}

export async function revokeApiKey(id: string, by: StaffPrincipal): Promise<void> {
  const key = await db().apiKey.findUnique({ where: { id }, select: { id: true, prefix: true, revokedAt: true } });
  if (!key) throw new AppError("NOT_FOUND", "That API key does not exist.");
  if (key.revokedAt) return;
  // The notice leaves with the commit; once it has gone round, no instance accepts the key any more.
  const change = await db().$transaction(async (tx) => {
    await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    return announceApiKeyChange(tx, id);
  });
  await change.delivered();
  await recordAudit({
    actor: { type: "staff", id: by.id, label: by.email },
    action: "api_key.revoked",
    target: { type: "api_key", id },
    ip: by.ip,
    details: { prefix: key.prefix },
  });
}
