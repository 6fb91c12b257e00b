// `npm run dev`: embedded PostgreSQL + migrations + simulators (when nothing real is configured), then Next.
import { spawn } from "node:child_process";
import path from "node:path";
import nextEnv from "@next/env";
import { startLocalStack } from "./lib/stack";

const mode = process.argv[2] === "start" ? "start" : "dev";
nextEnv.loadEnvConfig(process.cwd(), mode === "dev");

const appUrl = process.env.APP_URL ?? "http://localhost:3000";
const port = process.env.PORT ?? (new URL(appUrl).port || "3000");

async function main() {
  const stack = await startLocalStack({ mode: "dev", appUrl, env: process.env, fixedPorts: true });
  const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");
  const child = spawn(nextBin, [mode, "--port", port], {
    stdio: "inherit",
    env: { ...process.env, ...stack.env },
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) child.kill("SIGTERM");
    await stack.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  child.on("exit", (code) => void shutdown(code ?? 0));
  console.log(`\nSeller onboarding on ${appUrl} — staff sign-in at ${appUrl}/admin (Ctrl-C stops everything)\n`);
}

main().catch((error: unknown) => {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
