// Signed access tokens (RS256 JWTs, one issuer per simulator instance) and the clocks that date them.
import { generateKeyPair, randomUUID, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";

/** Milliseconds since the epoch; injectable so tests can move time without sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock tests move by hand (`advance`) to expire tokens or slide rate windows without sleeping. */
export function createManualClock(startMs = Date.parse("2030-01-01T00:00:00Z")): {
  now: Clock;
  advance(ms: number): void;
} {
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}

export type TokenCheck =
  | { ok: true; clientId: string; claims: JWTPayload }
  | { ok: false; reason: "malformed" | "invalid_signature" | "expired" };

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };
const generateKeyPairAsync = promisify(generateKeyPair);
let processKeys: Promise<KeyPair> | undefined;

// One RSA key pair per process, made on first use: generating 2048-bit keys takes a few hundred
// milliseconds, too slow to repeat for every simulator a test starts.
function signingKeys(): Promise<KeyPair> {
  processKeys ??= generateKeyPairAsync("rsa", { modulusLength: 2048 });
  return processKeys;
}

/**
 * Issues and checks RS256 JWT access tokens. Each instance has its own issuer, checked on
 * verification, so tokens of another simulator (or another instance) never verify here.
 */
export class TokenSigner {
  readonly issuer: string;

  constructor(
    name: string,
    private readonly clock: Clock,
  ) {
    this.issuer = `${name}-simulator/${randomUUID()}`;
  }

  private keyPair(): Promise<KeyPair> {
    return signingKeys();
  }

  /** A token for `clientId` valid for `lifetimeSeconds` from now (whole seconds, like `exp`). */
  async issue(
    clientId: string,
    lifetimeSeconds: number,
    claims: JWTPayload = {},
  ): Promise<{ token: string; issuedAt: number; expiresAt: number }> {
    const { privateKey } = await this.keyPair();
    const issuedAt = Math.floor(this.clock() / 1000);
    const expiresAt = issuedAt + lifetimeSeconds;
    const token = await new SignJWT({ ...claims, client_id: clientId })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(this.issuer)
      .setSubject(clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, issuedAt, expiresAt };
  }

  async check(token: string): Promise<TokenCheck> {
    const { publicKey } = await this.keyPair();
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: this.issuer,
        algorithms: ["RS256"],
        currentDate: new Date(this.clock()),
      });
      if (typeof payload.sub !== "string") return { ok: false, reason: "malformed" };
      return { ok: true, clientId: payload.sub, claims: payload };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: "expired" };
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, reason: "invalid_signature" };
      if (err instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, reason: "invalid_signature" };
      return { ok: false, reason: "malformed" };
    }
  }
}
