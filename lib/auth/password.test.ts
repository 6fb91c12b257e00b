import { describe, expect, it } from "vitest";
import { randomBytes, scryptSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { dummyVerify, generatePassword, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { DOCUMENTED_PASSWORDS, passwordProblem } from "@/lib/auth/password-policy";

describe("scrypt passwords", () => {
  it("hashes at N=2^17, r=8, p=1, verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("still verifies an older N=2^15 hash, and says it needs a rehash", async () => {
    const salt = randomBytes(16);
    const key = scryptSync("an older password", salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = ["scrypt", 2 ** 15, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
    expect(await verifyPassword("an older password", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
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

describe("staff password policy", () => {
  it("refuses the password .env.example documents, whatever zxcvbn thinks of it", () => {
    const documented = /^ADMIN_PASSWORD=(.+)$/m.exec(readFileSync(".env.example", "utf8"))?.[1];
    expect(documented && DOCUMENTED_PASSWORDS).toContain(documented);
    expect(passwordProblem(documented ?? "")).toMatch(/printed in the documentation/);
  });

  it("refuses short and guessable passwords (zxcvbn score below 3) with a reason", () => {
    expect(passwordProblem("short")).toMatch(/at least 12/);
    expect(passwordProblem("Password1234!")).toMatch(/too easy to guess/);
    expect(passwordProblem("qwertyuiop123")).toMatch(/too easy to guess/);
    expect(passwordProblem("jane.doe@acme.example", ["jane.doe@acme.example"])).toMatch(/too easy to guess/);
  });

  it("accepts strong passwords", () => {
    expect(passwordProblem("correct horse battery staple")).toBeNull();
    expect(passwordProblem(generatePassword())).toBeNull();
  });
});
