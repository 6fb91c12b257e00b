// Test helper: the Secrets Manager simulator in-process on a random loopback port, with the SDK's own
// variables pointing at it (set before any client is created).
import { OMIT_SECRET_COLUMNS } from "@/lib/db/omit";
import { startSecretsManagerSimulator, type StartedSecretsManagerSimulator } from "@/simulators/aws-secrets/index";

export async function startAwsForTests(): Promise<StartedSecretsManagerSimulator> {
  const sim = await startSecretsManagerSimulator({ port: 0 });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sim.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDTESTSIMULATOR001",
    AWS_SECRET_ACCESS_KEY: "test-secret-access-key-for-the-simulator",
  });
  return sim;
}

/** A value shaped like what Noon returns once: a PEM private key (fresh per call). */
export async function freshPrivateKeyPem(): Promise<string> {
  const { generateKeyPairSync } = await import("node:crypto");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/** A Prisma client like the app's (same omitted columns), on another database (a private one, or an unreachable one). */
export async function clientFor(connectionString: string, opts: { connectionTimeoutMillis?: number } = {}) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("@/lib/db/generated/client");
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 2_000 }),
    omit: OMIT_SECRET_COLUMNS,
  });
}
