// `npm run secrets:rotate-key` – re-seals every locally sealed value (local secret store, pending secrets,
// cached connection tokens) under SECRETS_LOCAL_KEY in the current (v2) format, opening old values with
// SECRETS_LOCAL_KEY_PREVIOUS. Without it, values of the format before v2 under the current key are re-sealed.
// Steps: set SECRETS_LOCAL_KEY to a new key (openssl rand -base64 32) and SECRETS_LOCAL_KEY_PREVIOUS to
// the old one, restart the app, run this, then remove SECRETS_LOCAL_KEY_PREVIOUS once it reports no failures.
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

async function main(): Promise<number> {
  const { config } = await import("@/lib/config/env");
  const { configKeyring } = await import("@/lib/secrets/seal");
  const { rotateLocalKey } = await import("@/lib/secrets/rotate");
  const { db } = await import("@/lib/db/client");
  const cfg = config();
  if (!cfg.databaseUrl) {
    console.error("DATABASE_URL is not set: point it at the app's database (for `npm run dev`: the URL it prints).");
    return 1;
  }
  const keyring = configKeyring();
  if (!keyring.previous) {
    console.log(
      `SECRETS_LOCAL_KEY_PREVIOUS is not set: values under ${keyring.current.id} in the format before v2 are re-sealed; values under an older key cannot be opened and are reported.`,
    );
  }
  console.log(
    `Re-sealing under local key ${keyring.current.id}${keyring.previous ? ` (old key ${keyring.previous.id})` : ""} …`,
  );
  try {
    const report = await rotateLocalKey({ keyring });
    const r = report.resealed;
    console.log(
      `Re-sealed: ${r.localSecretVersions} local secret versions, ${r.pendingSecrets} pending secrets, ${r.connectionTokens} connection tokens.`,
    );
    if (report.failed.length > 0) {
      console.error(`${report.failed.length} values did not open and were left unchanged:`);
      for (const f of report.failed) console.error(`  ${f.table} ${f.id}: ${f.reason}`);
      console.error("Keep SECRETS_LOCAL_KEY_PREVIOUS (or set it to the key these were sealed under) and run again.");
      return 1;
    }
    console.log("Done: every value is under the new key. SECRETS_LOCAL_KEY_PREVIOUS may now be removed.");
    return 0;
  } finally {
    await db().$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`secrets:rotate-key failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
