import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// scrypt at OWASP's minimum N=2^17, r=8, p=1: 128 MiB and a few hundred milliseconds per hash. The
// parameters live in the stored value; older hashes are replaced at the next successful sign-in.
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const DEFAULT = SCRYPT_PARAMS;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** scrypt needs 128·N·r·p bytes; Node's default maxmem is 32 MiB, so it is raised per call, with room. */
const maxmemFor = (N: number, r: number, p: number) => 128 * N * r * p + 32 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Stored form: `scrypt$N$r$p$<salt base64url>$<hash base64url>`. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = DEFAULT;
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return ["scrypt", N, r, p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Constant-time comparison against a stored hash; a malformed stored value never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const expected = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length === 0 || expected.length === 0) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return timingSafeEqual(actual, expected);
}

// A real hash of a random password: verifying against it costs the same as for a real account, so an
// unknown e-mail address takes as long to refuse as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function dummyVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString("base64url"));
  await verifyPassword(password, await dummyHash);
}

/** True when a stored hash uses weaker parameters than today's (or is not one we can read). */
export function needsRehash(stored: string): boolean {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return true;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  return N < DEFAULT.N || r < DEFAULT.r || p < DEFAULT.p;
}

/** A one-time password for a new staff member: 20 characters from a CSPRNG (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

export { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
