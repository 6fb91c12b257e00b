import "server-only";
import { cache } from "react";
import { createHash } from "node:crypto";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { z } from "zod";
import { allows, ROLES, type Permission, type Role, type ApiKeyScope } from "@/lib/auth/permissions";
import { auth } from "@/lib/auth/next-auth";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

export interface StaffPrincipal {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** The client's address, for the audit trail. */
  ip: string | null;
}

export interface ApiKeyPrincipal {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  ip: string | null;
}

const sessionUserSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string().nullable().optional(),
  role: z.enum(ROLES as [Role, ...Role[]]),
});

/**
 * The signed-in staff member of this request, or null. next-auth's jwt callback has already checked the
 * staff row (active, same session version, within the absolute limit); cached per request.
 */
export const currentStaff = cache(async (): Promise<StaffPrincipal | null> => {
  const session = await auth();
  const user = sessionUserSchema.safeParse(session?.user);
  if (!user.success) return null;
  return { id: user.data.id, email: user.data.email, name: user.data.name ?? null, role: user.data.role, ip: clientIpFrom(await headers()) };
});

/** The path of this request (proxy.ts passes it on), to come back to after signing in. */
async function currentPath(): Promise<string> {
  const path = (await headers()).get("x-request-path");
  return path && path.startsWith("/admin") ? path : "/admin";
}

/**
 * For server components (pages/layouts): the signed-in staff member holding `permission`.
 * Anonymous → redirect to /admin/sign-in; signed in without the permission → Next's forbidden() (403 page).
 */
export async function requirePagePermission(permission: Permission): Promise<StaffPrincipal> {
  const staff = await currentStaff();
  if (!staff) redirect(`/admin/sign-in?callbackUrl=${encodeURIComponent(await currentPath())}`);
  if (!allows(staff.role, permission)) forbidden();
  return staff;
}

/**
 * For server actions and route handlers used by staff: throws AppError UNAUTHENTICATED / FORBIDDEN.
 */
export async function requireActionPermission(permission: Permission): Promise<StaffPrincipal> {
  const staff = await currentStaff();
  if (!staff) throw new AppError("UNAUTHENTICATED", "Your session has ended: sign in again.");
  if (!allows(staff.role, permission)) {
    await recordAudit({ actor: { type: "staff", id: staff.id, label: staff.email }, action: "authz.denied", ip: staff.ip, outcome: "denied", details: { permission } });
    throw new AppError("FORBIDDEN", "Your role does not allow this.");
  }
  return staff;
}

export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

/**
 * For `/api/v1/*` route handlers: the API key in `Authorization: Bearer …` with `scope`, its use recorded
 * (count per key per scope per hour). Throws AppError UNAUTHENTICATED (401) / FORBIDDEN (403).
 */
export async function requireApiKey(request: Request, scope: ApiKeyScope): Promise<ApiKeyPrincipal> {
  const ip = clientIpFrom(request.headers);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const presented = match?.[1];
  if (!presented) throw new AppError("UNAUTHENTICATED", "An API key is required: send Authorization: Bearer <key>.");
  // Keys are 256-bit random values, so a plain SHA-256 looked up by its unique index is enough.
  const key = await db().apiKey.findUnique({ where: { keyHash: hashApiKey(presented) } });
  if (!key || key.revokedAt) {
    await recordAudit({ actor: { type: "anonymous", label: key ? key.prefix : "unknown api key" }, action: "api_key.rejected", ip, outcome: "denied", details: { scope, reason: key ? "revoked" : "unknown" } });
    throw new AppError("UNAUTHENTICATED", "The API key is not valid or has been revoked.");
  }
  const scopes = key.scopes.filter((s): s is ApiKeyScope => s === "onboarding-links" || s === "connection-tokens");
  if (!scopes.includes(scope)) {
    await recordAudit({ actor: { type: "api-key", id: key.id, label: key.prefix }, action: "api_key.denied", ip, outcome: "denied", details: { scope } });
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope.`);
  }
  const now = new Date();
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  await db().$transaction([
    db().apiKeyUsage.upsert({
      where: { apiKeyId_hour_scope: { apiKeyId: key.id, hour, scope } },
      create: { apiKeyId: key.id, hour, scope, count: 1 },
      update: { count: { increment: 1 } },
    }),
    db().apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } }),
  ]);
  return { id: key.id, name: key.name, prefix: key.prefix, scopes, ip };
}
