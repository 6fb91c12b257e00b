// Server actions answer message codes (lib/auth/action.ts MessageRef), which the type checker cannot see
// as catalogue keys: this fails when a code written in an action, in lib/ (AppError's i18n, lib/auth/action.ts)
// or in a component that builds one is not a message of messages/en.json (and so of every catalogue).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";

const root = process.cwd();

function walk(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? walk(rel) : /\.tsx?$/.test(name) ? [rel] : [];
  });
}

function message(key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], en);
}

const FILES = [...walk("app/admin"), ...walk("components/admin"), ...walk("lib")];

describe("message codes of the dashboard's actions", () => {
  it("every literal code is a message (and every namespace exists)", () => {
    const missing: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(path.join(root, file), "utf8");
      for (const match of text.matchAll(/"(admin\.[A-Za-z0-9_.]+)"/g)) {
        const key = match[1] ?? "";
        if (key.endsWith(".")) continue; // a prefix completed in code (below)
        // A namespace (useTranslations("admin.x")) is an object; a code must be a message.
        const found = message(key);
        const asCode = new RegExp(`key: [^,}]*"${key.replace(/\./g, "\\.")}"`).test(text);
        if (found === undefined || (asCode && typeof found !== "string")) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the codes built from a prefix exist for every case", () => {
    const prefixed = [
      ...["required", "tooShort", "tooLong", "email", "url", "format", "choose", "invalid", "chooseAtLeast"].map(
        (k) => `admin.layout.validation.${k}`,
      ),
      ...["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED", "UPSTREAM"].map(
        (k) => `admin.layout.action.errors.${k}`,
      ),
      "admin.layout.action.errors.UNAVAILABLE",
      "admin.layout.action.errors.INTERNAL",
      "admin.layout.action.done",
      ...["differ", "sessionEnded", "wrongCurrent", "throttled", "samePassword", "noPassword"].map(
        (k) => `admin.account.errors.${k}`,
      ),
    ];
    expect(prefixed.filter((key) => typeof message(key) !== "string")).toEqual([]);
  });
});
