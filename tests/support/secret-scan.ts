// Tests register every secret value they create or receive (keys, tokens, client secrets); after the run
// the global teardown scans the run's logs and captured outputs for any of them.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const RUN_DIR = path.join(process.cwd(), ".data", "test-run");
const SECRETS_FILE = path.join(RUN_DIR, "secrets.list");
const OUTPUT_DIR = path.join(RUN_DIR, "outputs");

/** Remember a secret value so the end-of-run scan can prove it was never logged or returned. */
export function rememberSecret(value: string) {
  if (value.length < 8) return;
  mkdirSync(RUN_DIR, { recursive: true });
  appendFileSync(SECRETS_FILE, Buffer.from(value).toString("base64") + "\n");
}

/** Keep something the app produced (a page, a response body, an error message) for the scan. */
export function keepOutput(name: string, content: string) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  appendFileSync(path.join(OUTPUT_DIR, name.replace(/[^a-z0-9_.-]/gi, "_")), content + "\n");
}

function needles(secret: string): string[] {
  // A PEM key is also looked for by its body lines, in case it was logged re-wrapped or escaped.
  const lines = secret.split(/\r?\n/).filter((l) => l.length >= 40 && !l.startsWith("-----"));
  return [secret, JSON.stringify(secret).slice(1, -1), ...lines];
}

export function scanRunForSecrets(): string[] {
  if (!existsSync(SECRETS_FILE)) return [];
  const secrets = readFileSync(SECRETS_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((b) => Buffer.from(b, "base64").toString());
  const files = [path.join(RUN_DIR, "app.log")];
  if (existsSync(OUTPUT_DIR)) files.push(...readdirSync(OUTPUT_DIR).map((f) => path.join(OUTPUT_DIR, f)));
  const findings: string[] = [];
  for (const file of files.filter((f) => existsSync(f))) {
    const text = readFileSync(file, "utf8");
    for (const secret of secrets) {
      if (needles(secret).some((n) => text.includes(n))) {
        findings.push(`${path.relative(process.cwd(), file)} contains a registered secret (${secret.length} chars)`);
      }
    }
  }
  return findings;
}
