// `npm run bench`: runs every bench/*.bench.ts in turn. Benchmarks print figures and ratios; they never
// fail on a time. `npm run bench -- support` runs only the files whose name contains "support".
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const filter = process.argv[2];
const dir = path.join(process.cwd(), "bench");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
  .sort();

for (const file of files) {
  console.log(`\n## ${file}`);
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== "function") {
    console.log(`(skipped: ${file} exports no run())`);
    continue;
  }
  try {
    await mod.run();
  } catch (error) {
    // A benchmark that cannot run is reported, not fatal: figures from the others still count.
    console.log(`(could not run: ${error instanceof Error ? error.message : String(error)})`);
    process.exitCode = 1;
  }
}
if (!files.length) console.log("No benchmarks found in bench/.");
process.exit(process.exitCode ?? 0);
