// Staff sign-in for specs: create staff rows straight in the database and sign in through next-auth's
// own credentials endpoint with the page's request context (cookies land in the browser context), so
// specs do not click through the form each time.
import { randomBytes, scrypt } from "node:crypto";
import pg from "pg";
import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { expect } from "@playwright/test";

export type Role = "ADMIN" | "OPERATIONS" | "SUPPORT";
export interface StaffCredentials {
  id?: string;
  email: string;
  password: string;
  role: Role;
}

const databaseUrl = () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: run the specs through `npm run e2e`");
  return url;
};

/** Runs one query on the e2e database. */
export async function dbQuery<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

// Same stored form as lib/auth/password.ts (`scrypt$N$r$p$salt$hash`); that module is server-only.
export function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const [N, r, p] = [2 ** 17, 8, 1];
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize("NFKC"),
      salt,
      32,
      { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 },
      (error, key) =>
        error
          ? reject(error)
          : resolve(["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$")),
    ),
  );
}

/**
 * The admin `npm run e2e` configures (ADMIN_EMAIL/ADMIN_PASSWORD), created by the app at start, with the
 * password global-setup.ts chose at its first sign-in.
 */
export function e2eAdmin(): StaffCredentials {
  const password = process.env.E2E_ADMIN_NEW_PASSWORD;
  if (!password) throw new Error("E2E_ADMIN_NEW_PASSWORD is not set: run the specs through `npm run e2e`");
  return { email: "admin@e2e.test", password, role: "ADMIN" };
}

/** A new active staff member with a random e-mail and password. */
export async function createStaff(role: Role, label = role.toLowerCase()): Promise<StaffCredentials & { id: string }> {
  const email = `${label}-${randomBytes(4).toString("hex")}@e2e.test`;
  const password = randomBytes(15).toString("base64url");
  const [row] = await dbQuery<{ id: string }>(
    `INSERT INTO staff_users (id, email, role, password_hash, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2::staff_role, $3, now(), now()) RETURNING id`,
    [email, role, await hashPassword(password)],
  );
  if (!row) throw new Error("staff insert returned nothing");
  return { id: row.id, email, password, role };
}

/** Signs in through POST /api/auth/callback/credentials; the session cookie is kept by `request`'s context. */
export async function signInWith(
  request: APIRequestContext,
  who: Pick<StaffCredentials, "email" | "password">,
): Promise<void> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.ok()).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: who.email, password: who.password, callbackUrl: "/admin" },
    maxRedirects: 0,
  });
  const location = response.headers().location ?? "";
  expect(response.status(), `sign-in of ${who.email} answered ${response.status()} → ${location}`).toBe(302);
  expect(location, `sign-in of ${who.email} failed`).not.toContain("error=");
}

/** Signs a page's browser context in. */
export async function signIn(
  target: Page | BrowserContext,
  who: Pick<StaffCredentials, "email" | "password">,
): Promise<void> {
  await signInWith(target.request, who);
}

/** The staff member's session cookie is gone or no longer accepted: /admin redirects to sign-in. */
export async function expectSignedOut(page: Page): Promise<void> {
  await page.goto("/admin/sellers");
  await expect(page).toHaveURL(/\/admin\/sign-in/);
}
