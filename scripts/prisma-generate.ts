// postinstall: `prisma generate`, offline. The CLI insists on a native schema engine it would
// download from Prisma's server (unreachable here and on CI) although generate never runs it:
// when it is absent, point PRISMA_SCHEMA_ENGINE_BINARY at any existing executable (node).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schema = path.join(root, "prisma", "schema.prisma");

function nativeEngineInstalled(): boolean {
  try {
    const enginesDir = path.dirname(createRequire(import.meta.url).resolve("@prisma/engines/package.json"));
    return readdirSync(enginesDir).some((name) => name.startsWith("schema-engine"));
  } catch {
    return false;
  }
}

function main(): number {
  if (!existsSync(schema)) {
    console.log("prisma generate skipped: prisma/schema.prisma does not exist yet.");
    return 0;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !nativeEngineInstalled()) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
  const cli = path.join(
    path.dirname(createRequire(import.meta.url).resolve("prisma/package.json")),
    "build",
    "index.js",
  );
  const result = spawnSync(process.execPath, [cli, "generate"], { cwd: root, env, stdio: "inherit" });
  if (result.error) console.error(`prisma generate could not run: ${result.error.message}`);
  return result.status ?? 1;
}

process.exitCode = main();
