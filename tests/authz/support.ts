// Real staff rows for the tests (no mocks of our own parts): random e-mails, real scrypt hashes.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/permissions";
import type { StaffPrincipal } from "@/lib/auth/guard";

// One random password per test process, hashed once: scrypt at N=2^17 costs a few hundred milliseconds.
let shared: Promise<{ password: string; hash: string }> | undefined;
function sharedPassword() {
  shared ??= (async () => {
    const password = randomBytes(12).toString("base64url");
    return { password, hash: await hashPassword(password) };
  })();
  return shared;
}

export async function createTestStaff(role: Role, opts: { password?: string } = {}) {
  const email = `${role.toLowerCase()}-${randomBytes(6).toString("hex")}@authz.test`;
  const { password, hash } = opts.password
    ? { password: opts.password, hash: await hashPassword(opts.password) }
    : await sharedPassword();
  const row = await db().staffUser.create({ data: { email, role, passwordHash: hash } });
  const principal: StaffPrincipal = { id: row.id, email, name: null, role, ip: "203.0.113.7" };
  return { row, email, password, principal };
}

export const randomIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
