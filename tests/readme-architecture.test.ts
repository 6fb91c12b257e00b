// The README's architecture table lists exactly the repository's folders: every top-level folder and
// every folder of lib/, and none that no longer exists.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Folders holding files git tracks or would track (not what .gitignore leaves out: node_modules, .data, …). */
function trackedFolders(): Set<string> {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  }).split("\0");
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split("/");
    for (let depth = 1; depth < parts.length; depth++) folders.add(`${parts.slice(0, depth).join("/")}/`);
  }
  return folders;
}

/** The folders named (`like/this/`) in the first column of the README's architecture table. */
function tableFolders(): Set<string> {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = /^## Architecture\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const folders = new Set<string>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("|")) continue;
    const firstCell = line.split("|")[1] ?? "";
    for (const match of firstCell.matchAll(/`([^`]+\/)`/g)) if (match[1]) folders.add(match[1]);
  }
  return folders;
}

describe("README architecture table", () => {
  const tracked = trackedFolders();
  const listed = tableFolders();

  it("lists every top-level folder and every folder of lib/", () => {
    const required = [...tracked].filter((f) => /^[^/]+\/$/.test(f) || /^lib\/[^/]+\/$/.test(f));
    expect(required.length).toBeGreaterThan(10);
    expect(required.filter((f) => !listed.has(f)).sort()).toEqual([]);
  });

  it("lists no folder that does not exist", () => {
    expect(listed.size).toBeGreaterThan(10);
    expect([...listed].filter((f) => !tracked.has(f)).sort()).toEqual([]);
  });
});
