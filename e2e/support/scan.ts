// After the e2e run: no secret the simulators issued or the run was configured with may appear in the
// server's log or in any page or response the specs kept (see keepPage in fixtures.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { LocalStack } from "../../scripts/lib/stack";

function simulatorSecrets(stack: LocalStack): string[] {
  const out: string[] = [];
  const noon = stack.noon;
  if (noon) {
    out.push(noon.clientSecret, noon.integratorKey.private_key);
    for (const key of noon.state.issuedKeys.values()) out.push(key.privateKeyPem);
    out.push(...noon.state.accessTokens.keys(), ...noon.state.codes.keys());
  }
  for (const secret of stack.aws?.state.secrets.values() ?? []) {
    for (const version of secret.versions) if (version.secretString) out.push(version.secretString);
  }
  return out;
}

export function scanE2eRun(runDir: string, stack: LocalStack, extra: string[]): string[] {
  const secrets = [...simulatorSecrets(stack), ...extra].filter((s) => s.length >= 8);
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== "env.json") files.push(full);
    }
  };
  walk(runDir);
  const findings: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const secret of secrets) {
      const bodyLines = secret.split(/\r?\n/).filter((l) => l.length >= 40 && !l.startsWith("-----"));
      if ([secret, ...bodyLines].some((n) => text.includes(n))) {
        findings.push(`${path.relative(process.cwd(), file)} contains a secret value (${secret.length} chars)`);
      }
    }
  }
  return findings;
}
