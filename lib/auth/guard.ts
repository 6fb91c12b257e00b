import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { z } from "zod";
import { allows, ROLES, type Permission, type Role, type ApiKeyScope } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/http/client-ip";
import { recordAudit } from "@/lib/audit/record";
import { authenticateApiKey, type AuthenticatedApiKey } from "@/lib/api-keys/authenticate";
import { AppError } from "@/lib/errors";

export interface StaffPrincipal {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** The client's address, for the audit trail. */
  ip: string | null;
}

const sessionUserSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string().nullable().optional(),
  role: z.enum(ROLES as [Role, ...Role[]]),
  mustChangePassword: z.boolean().default(true),
});

/** Where a member who must choose a new password (the bootstrap admin at first sign-in) is sent. */
export const CHANGE_PASSWORD_PATH = "/admin/account/password";

export type SignedInStaff = StaffPrincipal & { mustChangePassword: boolean };

/**
 * The signed-in staff member of this request, or null. next-auth's jwt callback has already checked the
 * staff row (active, same session version, within the absolute limit); cached per request.
 */
export const currentStaff = cache(async (): Promise<SignedInStaff | null> => {
  // Loaded on first use: route handlers that only take API keys (and their tests) never load next-auth.
  const { auth } = await import("@/lib/auth/next-auth");
  const session = await auth();
  const user = sessionUserSchema.safeParse(session?.user);
  if (!user.success) return null;
  const { id, email, name, role, mustChangePassword } = user.data;
  return { id, email, name: name ?? null, role, mustChangePassword, ip: clientIpFrom(await headers()) };
});

/** For the change-password page: any signed-in member, even one who must change their password first. */
export async function requireSignedIn(): Promise<SignedInStaff> {
  const staff = await currentStaff();
  if (!staff) redirect(`/admin/sign-in?callbackUrl=${encodeURIComponent(await currentPath())}`);
  return staff;
}

/** The path of this request (proxy.ts passes it on), to come back to after signing in. */
async function currentPath(): Promise<string> {
  const path = (await headers()).get("x-request-path");
  return path && path.startsWith("/admin") ? path : "/admin";
}

/**
 * For server components (pages/layouts): the signed-in staff member holding `permission`.
 * Anonymous → redirect to /admin/sign-in; a member who must choose a new password → the change-password
 * page; signed in without the permission → Next's forbidden() (403 page).
 */
export async function requirePagePermission(permission: Permission): Promise<StaffPrincipal> {
  const staff = await currentStaff();
  if (!staff) redirect(`/admin/sign-in?callbackUrl=${encodeURIComponent(await currentPath())}`);
  if (staff.mustChangePassword) redirect(CHANGE_PASSWORD_PATH);
  if (!allows(staff.role, permission)) forbidden();
  return staff;
}

/**
 * For server actions and route handlers used by staff: throws AppError UNAUTHENTICATED / FORBIDDEN.
 */
export async function requireActionPermission(permission: Permission): Promise<StaffPrincipal> {
  const staff = await currentStaff();
  if (!staff) throw new AppError("UNAUTHENTICATED", "Your session has ended: sign in again.");
  if (staff.mustChangePassword) throw new AppError("FORBIDDEN", "Choose a new password first (Account → Password).");
  if (!allows(staff.role, permission)) {
    await recordAudit({
      actor: { type: "staff", id: staff.id, label: staff.email },
      action: "authz.denied",
      ip: staff.ip,
      outcome: "denied",
      details: { permission },
    });
    throw new AppError("FORBIDDEN", "Your role does not allow this.");
  }
  return staff;
}

/**
 * For `/api/v1/*` route handlers: the API key in `Authorization: Bearer …` with `scope`, its use recorded
 * (count per key per scope per hour). Throws AppError UNAUTHENTICATED (401) / FORBIDDEN (403).
 */
export function requireApiKey(request: Request, scope: ApiKeyScope): Promise<AuthenticatedApiKey> {
  return authenticateApiKey(request, scope);
}
