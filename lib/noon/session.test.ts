// The seller's sealed session cookie: attributes, round trip, and refusal of anything tampered with.
import { randomBytes, randomUUID } from "node:crypto";
import { sealData } from "iron-session";
import { decodeProtectedHeader, EncryptJWT, UnsecuredJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config } from "@/lib/config/env";
import { deriveKey } from "@/lib/secrets/derive";
import { keepOutput } from "@/tests/support/secret-scan";
import {
  clearSellerSessionCookie,
  readSellerSession,
  sellerSessionCookie,
  sellerSessionCookieName,
  unsealSellerSession,
} from "./session";

describe("seller session cookie", () => {
  const session = {
    sellerId: randomUUID(),
    linkId: randomUUID(),
    pending: { authorizationId: randomUUID(), state: "s".repeat(43) },
  };

  it("is sealed, HttpOnly, SameSite=Lax, path-wide and short-lived", async () => {
    const cookie = await sellerSessionCookie(session);
    keepOutput("seller-session-cookie-attributes", cookie.split(";").slice(1).join(";"));
    expect(sellerSessionCookieName()).toBe("seller-session"); // __Host-seller-session (and Secure) in production
    expect(cookie.startsWith("seller-session=")).toBe(true);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Max-Age=3600/);
    expect(cookie).not.toContain(session.pending.state);
    expect(cookie).not.toContain(session.sellerId);
    const pair = cookie.split(";", 1)[0] ?? "";
    expect(await readSellerSession(`other=1; ${pair}; more=2`)).toEqual(session);
  });

  it("refuses a tampered, foreign or missing cookie", async () => {
    const sealed = (await sellerSessionCookie(session)).split(";", 1)[0]?.split("=").slice(1).join("=") ?? "";
    const flipped = sealed.slice(0, 40) + (sealed[40] === "a" ? "b" : "a") + sealed.slice(41);
    expect(await unsealSellerSession(flipped)).toBeNull();
    expect(await unsealSellerSession("Fe26.2**garbage")).toBeNull();
    expect(await readSellerSession(null)).toBeNull();
    expect(await readSellerSession("seller-session=")).toBeNull();
    expect(clearSellerSessionCookie()).toMatch(/^seller-session=; .*Max-Age=0/);
  });

  const sealedValue = async () =>
    (await sellerSessionCookie(session)).split(";", 1)[0]?.split("=").slice(1).join("=") ?? "";

  afterEach(() => vi.useRealTimers());

  it("is a JWE (dir, A256GCM) that only this server's key opens", async () => {
    const sealed = await sealedValue();
    expect(decodeProtectedHeader(sealed)).toEqual({ alg: "dir", enc: "A256GCM", kid: "seller-session-3" });
    expect(sealed.split(".")).toHaveLength(5);
    // Encrypted under another key, or not encrypted at all: refused.
    const foreign = await new EncryptJWT(session)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: "seller-session-3" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .encrypt(randomBytes(32));
    expect(await unsealSellerSession(foreign)).toBeNull();
    const unsecured = new UnsecuredJWT(session).setIssuedAt().setExpirationTime("1h").encode();
    expect(await unsealSellerSession(unsecured)).toBeNull();
    // Each seal is fresh (random IV): the same session never gives the same cookie twice.
    expect(await sealedValue()).not.toBe(sealed);
  });

  it("expires after SELLER_SESSION_TTL_SECONDS", async () => {
    const sealed = await sealedValue();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 59 * 60_000);
    expect(await unsealSellerSession(sealed)).toEqual(session);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(await unsealSellerSession(sealed)).toBeNull();
  });

  it("still opens cookies sealed by iron-session before (derived key, and the raw secret before that)", async () => {
    const secret = config().sessionSecret;
    const derived = deriveKey(secret, "sellerSessionCookie").toString("base64url");
    const withDerived = await sealData(session, { password: { 2: derived }, ttl: 3600 });
    expect(await unsealSellerSession(withDerived)).toEqual(session);
    const withSecret = await sealData(session, { password: secret, ttl: 3600 });
    expect(await unsealSellerSession(withSecret)).toEqual(session);
    // Under any other password: refused.
    const foreign = await sealData(session, { password: randomBytes(32).toString("base64url"), ttl: 3600 });
    expect(await unsealSellerSession(foreign)).toBeNull();
  });
});
