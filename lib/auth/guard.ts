import "server-only";
// PLACEHOLDER (to be implemented by the staff-dashboard work): the signatures are the contract
// every page, server action and route handler uses.
import type { Permission, Role, ApiKeyScope } from "@/lib/auth/permissions";
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

/**
 * For server components (pages/layouts): the signed-in staff member holding `permission`.
 * Anonymous → redirect to /admin/sign-in; signed in without the permission → Next's forbidden() (403 page).
 */
export async function requirePagePermission(_permission: Permission): Promise<StaffPrincipal> {
  throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
}

/**
 * For server actions and route handlers used by staff: throws AppError UNAUTHENTICATED / FORBIDDEN.
 */
export async function requireActionPermission(_permission: Permission): Promise<StaffPrincipal> {
  throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
}

/**
 * For `/api/v1/*` route handlers: the API key in `Authorization: Bearer …` with `scope`, its use recorded
 * (count per key per scope per hour). Throws AppError UNAUTHENTICATED (401) / FORBIDDEN (403).
 */
export async function requireApiKey(_request: Request, _scope: ApiKeyScope): Promise<ApiKeyPrincipal> {
  throw new AppError("UNAUTHENTICATED", "An API key is required: send Authorization: Bearer <key>.");
}
