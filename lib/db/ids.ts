import { randomBytes } from "node:crypto";

/**
 * A UUID version 7 (48 bits of Unix milliseconds, then random bits): the ids Prisma's `@default(uuid(7))`
 * makes, for rows a raw SQL statement inserts.
 */
export function uuid7(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
