// Real staff rows for the tests (no mocks of our own parts): random e-mails, real scrypt hashes.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/permissions";
import type { StaffPrincipal } from "@/lib/auth/guard";

export async function createTestStaff(role: Role, opts: { password?: string } = {}) {
  const email = `${role.toLowerCase()}-${randomBytes(6).toString("hex")}@authz.test`;
  const password = opts.password ?? randomBytes(12).toString("base64url");
  const row = await db().staffUser.create({ data: { email, role, passwordHash: await hashPassword(password) } });
  const principal: StaffPrincipal = { id: row.id, email, name: null, role, ip: "203.0.113.7" };
  return { row, email, password, principal };
}

export const randomIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
