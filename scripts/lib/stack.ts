// Starts what the app needs on one machine: PostgreSQL (embedded unless DATABASE_URL is set), migrations,
// and the provider simulators when no real provider is configured. Shared by `npm run dev`, e2e and bench.
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startEmbeddedPostgres, createDatabase, tempDataDir } from "./embedded-pg";
import { applyMigrations } from "./schema-engine";
import { EMBEDDED_DEV_PG_PORT } from "../../lib/config/load";
import { startNoonSimulator } from "../../simulators/noon/index";
import { startSecretsManagerSimulator } from "../../simulators/aws-secrets/index";
import { startAllSimulators } from "../../simulators/index";

export type StackMode = "dev" | "test";

export interface LocalStack {
  /** Variables to hand to the app process (merged over process.env). */
  env: Record<string, string>;
  databaseUrl: string;
  noon?: Awaited<ReturnType<typeof startNoonSimulator>>;
  aws?: Awaited<ReturnType<typeof startSecretsManagerSimulator>>;
  providers?: Awaited<ReturnType<typeof startAllSimulators>>;
  /** Restarts the embedded PostgreSQL of a test stack (absent when DATABASE_URL's server is used). */
  restartPostgres?: () => Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  mode: StackMode;
  appUrl: string;
  env: NodeJS.ProcessEnv;
  /** Fixed simulator ports in dev so links stay valid across restarts; random in tests. */
  fixedPorts?: boolean;
  log?: (line: string) => void;
  /** Start the Secrets Manager simulator and point the `aws` backend at it. */
  awsSimulator?: boolean;
  /** Start the provider simulators (default true). */
  simulators?: boolean;
}

export const DEV_PG_PORT = EMBEDDED_DEV_PG_PORT;
const DEV_PORTS = { noon: 4010, noyo: 4011, inyo: 4012, nuvy: 4013, oauth2: 4014, aws: 4020 };

export async function startLocalStack(opts: StackOptions): Promise<LocalStack> {
  const say = opts.log ?? ((line: string) => console.log(line));
  const stops: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };

  try {
    let databaseUrl = opts.env.DATABASE_URL;
    let restartPostgres: (() => Promise<void>) | undefined;
    if (opts.mode === "dev" && !databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(process.cwd(), ".data", "pg"),
        port: DEV_PG_PORT,
        persistent: true,
        database: "seller_onboarding",
      });
      stops.push(() => pg.stop());
      databaseUrl = pg.connectionString;
      say(`PostgreSQL (embedded) on port ${pg.port}, data in .data/pg`);
    } else if (opts.mode === "test") {
      // A fresh database per run: on DATABASE_URL's server when given, otherwise on a throwaway embedded one.
      const name = `test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
      if (databaseUrl) {
        await createDatabase(databaseUrl, name);
        const url = new URL(databaseUrl);
        url.pathname = `/${name}`;
        databaseUrl = url.toString();
      } else {
        const pg = await startEmbeddedPostgres({
          dataDir: await tempDataDir(),
          port: 0,
          persistent: false,
          database: name,
        });
        stops.push(() => pg.stop());
        databaseUrl = pg.connectionString;
        restartPostgres = () => pg.restart();
      }
    }
    if (!databaseUrl) throw new Error("DATABASE_URL is not set");
    env.DATABASE_URL = databaseUrl;
    const { applied } = await applyMigrations(databaseUrl);
    if (applied.length) say(`Applied migrations: ${applied.join(", ")}`);

    const port = (name: keyof typeof DEV_PORTS) => (opts.fixedPorts ? DEV_PORTS[name] : 0);
    const stack: LocalStack = { env, databaseUrl, stop, ...(restartPostgres ? { restartPostgres } : {}) };

    if (opts.simulators === false) return stack;

    if (!opts.env.NOON_CLIENT_ID) {
      const noon = await startNoonSimulator({ redirectUri: `${opts.appUrl}/api/noon/callback`, port: port("noon") });
      stops.push(() => noon.close());
      stack.noon = noon;
      Object.assign(env, {
        NOON_CLIENT_ID: noon.clientId,
        NOON_CLIENT_SECRET: noon.clientSecret,
        NOON_AUTHORIZE_URL: `${noon.url}/authorize`,
        NOON_API_URL: noon.url,
        NOON_INTEGRATOR_KEY: JSON.stringify(noon.integratorKey),
        ALLOW_INSECURE_PROVIDER_URLS: "1",
      });
      say(`Noon simulator on ${noon.url} (consent page: ${noon.url}/authorize)`);
    }

    const wantAws =
      opts.awsSimulator ?? (opts.env.SECRETS_BACKEND === "aws" && !opts.env.AWS_ENDPOINT_URL_SECRETS_MANAGER);
    if (wantAws) {
      const aws = await startSecretsManagerSimulator({ port: port("aws") });
      stops.push(() => aws.close());
      stack.aws = aws;
      Object.assign(env, {
        SECRETS_BACKEND: "aws",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
        AWS_REGION: opts.env.AWS_REGION ?? "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDSIMULATOR0000001",
        AWS_SECRET_ACCESS_KEY: "simulator-secret-access-key",
      });
      say(`Secrets Manager simulator on ${aws.url}`);
    }

    const providers = await startAllSimulators({
      ports: { noyo: port("noyo"), inyo: port("inyo"), nuvy: port("nuvy"), oauth2: port("oauth2") },
    });
    stops.push(() => providers.close());
    stack.providers = providers;
    say(
      `Provider simulators (token URLs): Noyo ${providers.noyo.tokenUrl} · Inyo ${providers.inyo.tokenUrl} · ` +
        `Nuvy ${providers.nuvy.tokenUrl} · OAuth2 ${providers.oauth2.tokenUrl}`,
    );
    env.ALLOW_INSECURE_PROVIDER_URLS = "1";
    // The connection form offers these as the "Bundled simulator" environment.
    env.PROVIDER_SIMULATORS = JSON.stringify({
      NOYO: { tokenUrl: providers.noyo.tokenUrl, apiBaseUrl: providers.noyo.apiBaseUrl },
      INYO: { tokenUrl: providers.inyo.tokenUrl, apiBaseUrl: providers.inyo.apiBaseUrl },
      NUVY: { tokenUrl: providers.nuvy.tokenUrl, apiBaseUrl: providers.nuvy.apiBaseUrl },
      OAUTH2: { tokenUrl: providers.oauth2.tokenUrl, apiBaseUrl: providers.oauth2.apiBaseUrl },
    });
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}
