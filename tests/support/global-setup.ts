// One fresh PostgreSQL database per test run (embedded unless DATABASE_URL is set), migrated,
// then a scan of everything the run logged for any secret value a test registered.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalStack, type LocalStack } from "../../scripts/lib/stack";
import { scanRunForSecrets, RUN_DIR } from "./secret-scan";

let stack: LocalStack | undefined;

export async function setup(project: TestProject) {
  rmSync(RUN_DIR, { recursive: true, force: true });
  mkdirSync(RUN_DIR, { recursive: true });
  stack = await startLocalStack({
    mode: "test",
    appUrl: "http://localhost:3999",
    env: process.env,
    simulators: false,
    log: () => undefined,
  });
  project.provide("databaseUrl", stack.databaseUrl);
  project.provide("testSecrets", {
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
  });
}

export async function teardown() {
  await stack?.stop();
  const findings = scanRunForSecrets();
  if (findings.length) {
    throw new Error(`Secret values found in what the test run produced:\n${findings.join("\n")}`);
  }
  console.log(`Secret scan: ${path.relative(process.cwd(), RUN_DIR)} clean`);
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    testSecrets: { SESSION_SECRET: string; AUTH_SECRET: string; SECRETS_LOCAL_KEY: string };
  }
}
