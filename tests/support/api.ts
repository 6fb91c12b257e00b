// API keys and requests for the /api/v1 route tests: real key rows (hash only), real Request objects.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { hashApiKey } from "@/lib/api-keys/authenticate";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";

export const APP = "http://localhost:3999";

/** A key with these scopes (and optionally an expiry or connection limit), registered with the secret scan. */
export async function testApiKey(
  scopes: string[],
  extra: { expiresAt?: Date | null; connectionIds?: string[] } = {},
): Promise<{ key: string; id: string }> {
  const key = `sok_${randomBytes(32).toString("base64url")}`;
  rememberSecret(key);
  const row = await db().apiKey.create({
    data: {
      name: `test-${randomBytes(3).toString("hex")}`,
      prefix: key.slice(0, 14),
      keyHash: hashApiKey(key),
      scopes,
      createdBy: "test",
      ...extra,
    },
    select: { id: true },
  });
  return { key, id: row.id };
}

export const bearer = (key?: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

/** The status and JSON body of an answer, the body kept for the end-of-run secret scan. */
export async function answer<T = unknown>(
  name: string,
  response: Response,
): Promise<{ status: number; body: T; headers: Headers }> {
  const text = await response.text();
  keepOutput(name, `${response.status} ${text}`);
  return { status: response.status, body: JSON.parse(text) as T, headers: response.headers };
}
