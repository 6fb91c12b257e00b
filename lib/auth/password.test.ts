import { describe, expect, it } from "vitest";
import { dummyVerify, generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";

describe("scrypt passwords", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("never matches a malformed or foreign stored value", async () => {
    for (const bad of ["", "plain", "scrypt$1$1$1$$", "bcrypt$2$8$1$AAAA$AAAA", "scrypt$999999999$8$1$AAAA$AAAA"]) {
      expect(await verifyPassword("x", bad)).toBe(false);
    }
  });

  it("the dummy check for unknown accounts costs a real verification", async () => {
    await dummyVerify("warm-up");
    const started = performance.now();
    await dummyVerify("anything");
    expect(performance.now() - started).toBeGreaterThan(5);
  });

  it("one-time passwords are long and random", () => {
    const a = generatePassword();
    expect(a.length).toBeGreaterThanOrEqual(20);
    expect(a).not.toBe(generatePassword());
  });
});
