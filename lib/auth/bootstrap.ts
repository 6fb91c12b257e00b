import "server-only";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";

/**
 * Creates the admin of ADMIN_EMAIL/ADMIN_PASSWORD when no staff user exists yet; otherwise does nothing.
 * That password came through configuration (and in development is the documented one), so the admin must
 * choose a new one at first sign-in before anything else. In production lib/config refuses a weak one.
 */
export async function ensureFirstAdmin(): Promise<"created" | "exists" | "not-configured"> {
  const admin = config().admin;
  if ((await db().staffUser.count()) > 0) return "exists";
  if (!admin) return "not-configured";
  const passwordHash = await hashPassword(admin.password);
  // A concurrent start may win the race: the unique e-mail makes the second insert a no-op.
  const created = await db().staffUser.createMany({
    data: [{ email: admin.email, role: "ADMIN", passwordHash, name: "Administrator", passwordChangeRequired: true }],
    skipDuplicates: true,
  });
  if (created.count === 0) return "exists";
  const row = await db().staffUser.findUnique({ where: { email: admin.email } });
  await recordAudit({
    actor: { type: "system", label: "bootstrap" },
    action: "staff.created",
    target: row ? { type: "staff", id: row.id } : undefined,
    details: { email: admin.email, role: "ADMIN", reason: "first admin from configuration" },
  });
  log().info({ email: admin.email }, "first admin created from ADMIN_EMAIL");
  return "created";
}

/** Start-up task (lib/server/start.ts): the first admin, or a warning that nobody can sign in. */
export async function bootstrapFirstAdmin(): Promise<void> {
  const outcome = await ensureFirstAdmin();
  if (outcome === "not-configured")
    log().warn("no staff user exists and ADMIN_EMAIL/ADMIN_PASSWORD are not set: nobody can sign in");
}
