// Top entries of a V8 CPU profile (`node --cpu-prof`): self time per function, the way DevTools'
// "Bottom-up" view sums it, with the file shortened to what identifies the package; and self time by owner:
// the nearest frame on the stack that is a package or a source file of the app (the `.next` chunks are read
// through their source maps), so a syscall or a crypto job counts for whoever made it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  if (!url) return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const next = url.indexOf("/.next/");
  if (next >= 0) return url.slice(next + 1);
  return url
    .replace(/^file:\/\//, "")
    .split("/")
    .slice(-2)
    .join("/");
}

/** The package of a node_modules path ("@scope/name" or "name"), else undefined. */
function packageOf(file: string): string | undefined {
  const nm = file.lastIndexOf("node_modules/");
  if (nm < 0) return undefined;
  const [a = "", b = ""] = file.slice(nm + "node_modules/".length).split("/");
  return a.startsWith("@") ? `${a}/${b}` : a;
}

/** Who a `.next` chunk's code at (line, column) came from, through the chunk's source map. */
function chunkOwner(): (url: string, line: number, column: number) => string {
  const maps = new Map<string, SourceMap | null>();
  return (url, line, column) => {
    let map = maps.get(url);
    if (map === undefined) {
      const file = `${url.startsWith("file:") ? fileURLToPath(url) : url}.map`;
      map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, "utf8"))) : null;
      maps.set(url, map);
    }
    const source = map?.findEntry(line, column);
    const original = source && "originalSource" in source ? source.originalSource : "";
    if (!original) return `.next/${url.split("/.next/")[1] ?? url}`;
    return packageOf(original) ?? original.replace(/^(\.\.\/)+/, "").replace(/^file:\/\/\/?/, "");
  };
}

/**
 * The `top` functions by self time in every .cpuprofile of `dir`, and self time by owner, as printable lines.
 * Samples taken while bench/support/profile-on-signal.mjs stops the profiler are left out.
 */
export function summarizeProfiles(dir: string, top = 15): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  const ownerInChunk = chunkOwner();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const ownerOf = new Map<number, string | null>();
    // The owner of a node: itself when it is a package's or the app's, else its caller's owner.
    const owner = (id: number): string | null => {
      const known = ownerOf.get(id);
      if (known !== undefined) return known;
      const { url, lineNumber, columnNumber } = byId.get(id)?.callFrame ?? { url: "" };
      let found: string | null;
      if (url.includes("profile-on-signal")) found = null;
      else if (packageOf(url)) found = packageOf(url) ?? null;
      else if (url.includes("/.next/")) found = ownerInChunk(url, lineNumber ?? 0, columnNumber ?? 0);
      else {
        const up = parent.get(id);
        found = up === undefined ? "" : owner(up);
      }
      ownerOf.set(id, found);
      return found;
    };
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      const dt = profile.timeDeltas[i] ?? 0;
      if (!node) return;
      const who = node.callFrame.functionName === "(idle)" ? "" : owner(id);
      if (who === null) return;
      if (node.callFrame.functionName !== "(idle)")
        owners.set(who || node.callFrame.functionName, (owners.get(who || node.callFrame.functionName) ?? 0) + dt);
      const { functionName, url, lineNumber } = node.callFrame;
      const key = `${functionName || "(anonymous)"}  ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ""}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    });
  }
  const idle = self.get("(idle)  ") ?? 0;
  const busy = Math.max(total - idle, 1);
  const rows = [...self.entries()]
    .filter(([k]) => k !== "(idle)  ")
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  const byPackage = new Map<string, number>();
  for (const [k, us] of self) {
    if (k === "(idle)  ") continue;
    const file = k.split("  ")[1] ?? "";
    const pkg = file.startsWith("@")
      ? file.split("/").slice(0, 2).join("/")
      : file.includes("/")
        ? (file.split("/")[0] ?? "")
        : file
          ? "node:internal"
          : k.trim();
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) =>
    `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms`;
  return [
    `CPU profile (${files.length} file(s) in ${path.relative(process.cwd(), dir)}): ${(busy / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle.`,
    `Self time by function, top ${top} (% of busy time):`,
    ...rows.map(([k, us]) => `  ${pct(us)}  ${k}`),
    "Self time by package / file:",
    ...[...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([k, us]) => `  ${pct(us)}  ${k}`),
    "Self time by owner (the nearest package or app file on the stack):",
    ...[...owners.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${pct(us)}  ${k}`),
  ];
}
