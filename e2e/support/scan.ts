// After the e2e run: no secret the simulators issued or the run was configured with may appear in the
// server's log or in any page or response the specs kept (see keepPage in fixtures.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { LocalStack } from "../../scripts/lib/stack";

function simulatorSecrets(stack: LocalStack): string[] {
  const out: string[] = [];
  for (const sim of [stack.noon, stack.aws, stack.providers?.noyo, stack.providers?.inyo, stack.providers?.nuvy, stack.providers?.oauth2]) {
    if (sim && "secretsIssued" in sim && typeof sim.secretsIssued === "function") out.push(...(sim.secretsIssued() as string[]));
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
