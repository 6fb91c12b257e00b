// Layouts mirror in right-to-left languages only when they use logical utilities (ms-/me-/ps-/pe-/start-/
// end-/text-start/rounded-s/border-s…). This fails on any physical left/right Tailwind utility in app/ or
// components/; `rtl:`/`ltr:` variants stay allowed (mirroring an icon).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();

function walk(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? walk(rel) : /\.(tsx?|css)$/.test(name) ? [rel] : [];
  });
}

const PHYSICAL = new RegExp(
  String.raw`^!?-?(?:` +
    [
      String.raw`(?:scroll-)?[mp][lr]-.+`,
      String.raw`(?:left|right)-.+`,
      String.raw`text-(?:left|right)`,
      String.raw`float-(?:left|right)`,
      String.raw`clear-(?:left|right)`,
      String.raw`rounded-(?:[lr]|tl|tr|bl|br)(?:-.+)?`,
      String.raw`border-[lr](?:-.+)?`,
      String.raw`origin-(?:.+-)?(?:left|right)`,
      String.raw`bg-(?:.+-)?(?:left|right)`,
    ].join("|") +
    `)$`,
);

/** Class-like tokens of a source file with the physical ones among them (file:line token). */
function physicalUtilities(file: string, source: string): string[] {
  const found: string[] = [];
  for (const [i, line] of source.split("\n").entries()) {
    if (/^\s*(?:\/\/|\*|\/\*)/.test(line)) continue;
    const code = line.replace(/\s\/\/\s.*$/, "");
    for (const token of code.split(/[\s"'`{}()]+/)) {
      const parts = token.split(":");
      const utility = parts.at(-1) ?? "";
      const variants = parts.slice(0, -1);
      if (variants.some((v) => v === "rtl" || v === "ltr")) continue;
      if (PHYSICAL.test(utility)) found.push(`${file}:${i + 1} ${token}`);
    }
  }
  return found;
}

describe("logical utilities only (right-to-left layouts)", () => {
  it("finds physical utilities, and only those", () => {
    expect(
      physicalUtilities("x.tsx", `<p className="ml-2 md:pr-4 text-right -left-1 rounded-tl-md border-l">`),
    ).toEqual([
      "x.tsx:1 ml-2",
      "x.tsx:1 md:pr-4",
      "x.tsx:1 text-right",
      "x.tsx:1 -left-1",
      "x.tsx:1 rounded-tl-md",
      "x.tsx:1 border-l",
    ]);
    expect(
      physicalUtilities("x.tsx", `<p className="ms-2 pe-4 text-start start-0 rounded-s-md border-s rtl:-scale-x-100">`),
    ).toEqual([]);
    expect(physicalUtilities("x.tsx", `const a = "left"; // text-left in a comment: ml-2`)).toEqual([]);
  });

  it("app/ and components/ use none", () => {
    const files = [...walk("app"), ...walk("components")];
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => physicalUtilities(f, readFileSync(path.join(root, f), "utf8")))).toEqual([]);
  });
});
