// The seller's sealed session cookie: attributes, round trip, and refusal of anything tampered with.
import { randomUUID } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { describe, expect, it } from "vitest";
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

  it("is sealed under a key derived from SESSION_SECRET; sessions sealed with the secret itself still open", async () => {
    const sealed = (await sellerSessionCookie(session)).split(";", 1)[0]?.split("=").slice(1).join("=") ?? "";
    const secret = config().sessionSecret;
    // The raw secret alone does not open a new cookie; the derived key does.
    await expect(unsealData(sealed, { password: secret })).resolves.toEqual({});
    const derived = deriveKey(secret, "sellerSessionCookie").toString("base64url");
    expect(await unsealData(sealed, { password: { 2: derived } })).toEqual(session);
    // A cookie sealed before the change (raw SESSION_SECRET, password id 1) still works until it expires.
    const before = await sealData(session, { password: secret, ttl: 3600 });
    expect(await unsealSellerSession(before)).toEqual(session);
  });
});
