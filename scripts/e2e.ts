// `npm run e2e`: a production build served by `next start` on its own embedded PostgreSQL and simulators
// (the `aws` secret backend against the Secrets Manager simulator), driven by Playwright in Chromium.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startLocalStack } from "./lib/stack";
import { startOidcProvider } from "../e2e/support/oidc-provider";

const port = Number(process.env.E2E_PORT ?? 3100);
const appUrl = `http://localhost:${port}`;
const runDir = path.join(process.cwd(), ".data", "e2e-run");

async function main(): Promise<number> {
  if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(".next/BUILD_ID")) {
    console.log("Building the app (set E2E_SKIP_BUILD=1 to reuse the last build)…");
    const build = spawnSync("node_modules/.bin/next", ["build"], {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (build.status !== 0) return build.status ?? 1;
  }
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });

  const stack = await startLocalStack({
    mode: "test",
    appUrl,
    env: { NODE_ENV: "test" },
    awsSimulator: true,
    log: (l) => console.log(l),
  });
  const oidc = await startOidcProvider({ redirectUri: `${appUrl}/api/auth/callback/oidc` });
  try {
    const adminPassword = randomBytes(18).toString("base64url");
    // The bootstrap admin must replace ADMIN_PASSWORD at first sign-in: Playwright's global setup does
    // that through the pages (e2e/support/global-setup.ts) and the specs then sign in with this one.
    const adminNewPassword = randomBytes(18).toString("base64url");
    const sessionSecret = randomBytes(32).toString("base64url");
    const authSecret = randomBytes(32).toString("base64url");
    const localKey = randomBytes(32).toString("base64");
    const env: Record<string, string> = {
      ...stack.env,
      NODE_ENV: "production",
      APP_URL: appUrl,
      AUTH_URL: appUrl,
      AUTH_TRUST_HOST: "true",
      SESSION_SECRET: sessionSecret,
      AUTH_SECRET: authSecret,
      SECRETS_LOCAL_KEY: localKey,
      ADMIN_EMAIL: "admin@e2e.test",
      ADMIN_PASSWORD: adminPassword,
      E2E_ADMIN_NEW_PASSWORD: adminNewPassword,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_CLIENT_SECRET: oidc.clientSecret,
      OIDC_ROLE_DOMAINS: "sso.e2e.test=operations",
      E2E_OIDC_ISSUER: oidc.issuer,
      // Low enough for e2e/rate-limits.spec.ts to reach with a few requests; the other limits keep their defaults.
      RATE_LIMITS: "onboarding-link-per-link=3/600",
      LOG_FILE: path.join(runDir, "app.log"),
      E2E_PORT: String(port),
      E2E_RUN_DIR: runDir,
      E2E_NOON_SIM_URL: stack.noon?.url ?? "",
      E2E_AWS_SIM_URL: stack.aws?.url ?? "",
      E2E_NOYO_SIM_URL: stack.providers?.noyo.url ?? "",
      E2E_INYO_SIM_URL: stack.providers?.inyo.url ?? "",
      E2E_NUVY_SIM_URL: stack.providers?.nuvy.url ?? "",
      E2E_OAUTH2_SIM_URL: stack.providers?.oauth2.url ?? "",
    };
    writeFileSync(path.join(runDir, "env.json"), JSON.stringify({ databaseUrl: stack.databaseUrl, appUrl }, null, 2));
    const child = spawn("node_modules/.bin/playwright", ["test", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    const code: number = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
    const { scanE2eRun } = await import("../e2e/support/scan");
    const findings = scanE2eRun(runDir, stack, [
      sessionSecret,
      authSecret,
      localKey,
      adminPassword,
      adminNewPassword,
      oidc.clientSecret,
    ]);
    if (findings.length) {
      console.error(`Secret scan FAILED:\n${findings.join("\n")}`);
      return 1;
    }
    console.log("Secret scan: server log, pages and responses of the e2e run are clean");
    return code;
  } finally {
    await oidc.close();
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
