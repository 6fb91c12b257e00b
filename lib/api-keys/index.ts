import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { StaffPrincipal } from "@/lib/auth/guard";
import { hashApiKey } from "@/lib/api-keys/authenticate";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/lib/auth/permissions";
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
  usesLast24h: number;
}

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name (which service uses it).").max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Choose at least one scope."),
});

export async function createApiKey(input: { name: string; scopes: ApiKeyScope[] }, by: StaffPrincipal): Promise<{ id: string; key: string; prefix: string }> {
  const data = createApiKeySchema.parse(input);
  const scopes = [...new Set(data.scopes)];
  for (let attempt = 0; attempt < 3; attempt++) {
    const key = `sok_${randomBytes(32).toString("base64url")}`;
    const prefix = key.slice(0, 12);
    try {
      const row = await db().apiKey.create({
        data: { name: data.name, prefix, keyHash: hashApiKey(key), scopes, createdBy: `staff:${by.id}` },
        select: { id: true },
      });
      await recordAudit({ actor: { type: "staff", id: by.id, label: by.email }, action: "api_key.created", target: { type: "api_key", id: row.id }, ip: by.ip, details: { name: data.name, prefix, scopes } });
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
  const keys = await db().apiKey.findMany({ orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }] });
  const usage = await db().apiKeyUsage.groupBy({ by: ["apiKeyId"], where: { hour: { gte: since } }, _sum: { count: true } });
  const uses = new Map(usage.map((u) => [u.apiKeyId, u._sum.count ?? 0]));
  return keys.map((k) => ({ ...k, usesLast24h: uses.get(k.id) ?? 0 }));
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
  await recordAudit({ actor: { type: "staff", id: by.id, label: by.email }, action: "api_key.revoked", target: { type: "api_key", id }, ip: by.ip, details: { prefix: key.prefix } });
}
