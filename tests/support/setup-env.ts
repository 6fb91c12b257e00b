// Runs in every test worker before the tests: the same variables the app reads, pointing at the run's database.
import path from "node:path";
import { inject } from "vitest";
import { RUN_DIR } from "./secret-scan";

const secrets = inject("testSecrets");
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: inject("databaseUrl"),
  APP_URL: "http://localhost:3999",
  SESSION_SECRET: secrets.SESSION_SECRET,
  AUTH_SECRET: secrets.AUTH_SECRET,
  SECRETS_LOCAL_KEY: secrets.SECRETS_LOCAL_KEY,
  SECRETS_BACKEND: process.env.SECRETS_BACKEND_FOR_TESTS ?? "local",
  ALLOW_INSECURE_PROVIDER_URLS: "1",
  LOG_FILE: path.join(RUN_DIR, "app.log"),
  LOG_LEVEL: "debug",
  JOBS_IN_PROCESS: "0",
});
