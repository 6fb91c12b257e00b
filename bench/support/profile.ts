// Top entries of a V8 CPU profile (`node --cpu-prof`): self time per function, the way DevTools'
// "Bottom-up" view sums it, with the file shortened to what identifies the package.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
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

/** The `top` functions by self time in every .cpuprofile of `dir`, as printable lines. */
export function summarizeProfiles(dir: string, top = 15): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const self = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      const dt = profile.timeDeltas[i] ?? 0;
      if (!node) return;
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
  ];
}
