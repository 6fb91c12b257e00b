// The matrix must name every admin page, every exported server action and every staff or /api/v1
// route handler on disk: adding one without deciding who may call it fails here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIONS, KEY_CALLERS, PAGES, ROUTES, STAFF_CALLERS } from "@/tests/authz/matrix";

const root = process.cwd();

function walk(dir: string): string[] {
  const abs = path.join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const rel = path.posix.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? walk(rel) : [rel];
  });
}

const files = walk("app");
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Exported functions of a "use server" module (what the browser can call). */
function exportedActions(file: string): string[] {
  const source = readFileSync(path.join(root, file), "utf8");
  if (!/^\s*(?:\/\/[^\n]*\n\s*)*["']use server["']/.test(source)) return [];
  const names = new Set<string>();
  for (const m of source.matchAll(/^export\s+(?:async\s+)?function\s+(\w+)/gm)) if (m[1]) names.add(m[1]);
  for (const m of source.matchAll(/^export\s+const\s+(\w+)\s*=/gm)) if (m[1]) names.add(m[1]);
  for (const m of source.matchAll(/^export\s*\{([^}]+)\}/gm)) {
    for (const part of (m[1] ?? "").split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .at(-1)
        ?.trim();
      if (name && !part.trim().startsWith("type ")) names.add(name);
    }
  }
  return [...names].sort();
}

function exportedMethods(file: string): string[] {
  const source = readFileSync(path.join(root, file), "utf8");
  return HTTP_METHODS.filter((m) =>
    new RegExp(`^export\\s+(?:async\\s+function\\s+${m}\\b|const\\s+(?:\\{[^}]*\\b${m}\\b[^}]*\\}|${m}\\b))`, "m").test(
      source,
    ),
  );
}

describe("authorization matrix covers everything on disk", () => {
  it("every admin page", () => {
    const pages = files.filter((f) => /^app\/admin\/(.+\/)?page\.tsx$/.test(f)).sort();
    expect(PAGES.map((p) => p.file).sort()).toEqual(pages);
  });

  it("every exported server action of every actions.ts", () => {
    const onDisk = files
      .filter((f) => /(^|\/)actions\.ts$/.test(f))
      .flatMap((f) => exportedActions(f).map((n) => `${f}#${n}`))
      .sort();
    expect(onDisk.length).toBeGreaterThan(0);
    expect(ACTIONS.map((a) => `${a.file}#${a.name}`).sort()).toEqual(onDisk);
  });

  it("every method of every /api/v1 and /api/admin route handler", () => {
    const routes = files
      .filter((f) => /^app\/api\/(v1|admin)\/.+\/route\.ts$/.test(f))
      .flatMap((f) => exportedMethods(f).map((m) => `${m} ${f}`))
      .sort();
    expect(ROUTES.map((r) => `${r.method} ${r.file}`).sort()).toEqual(routes);
  });

  it("every entry names an outcome for every caller", () => {
    for (const entry of [...PAGES, ...ACTIONS])
      expect(Object.keys(entry.expect).sort()).toEqual([...STAFF_CALLERS].sort());
    for (const entry of ROUTES)
      expect(Object.keys(entry.expect).sort()).toEqual([...STAFF_CALLERS, ...KEY_CALLERS].sort());
  });

  it("pages live where their path says", () => {
    for (const page of PAGES) {
      const fromFile =
        "/" +
        page.file
          .replace(/^app\//, "")
          .replace(/\/?page\.tsx$/, "")
          .replace(/\[[^\]]+\]/g, "*");
      expect(page.path.replace(/\{[a-zA-Z]+\}/g, "*")).toBe(fromFile);
    }
  });
});
