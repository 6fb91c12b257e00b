// Starts tests/support/instance-child.ts: a second app process against the test database.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

export interface SecondInstance {
  ask(command: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startSecondInstance(): Promise<SecondInstance> {
  // react-server: the app's modules carry `import "server-only"`, which only resolves under that condition.
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(import.meta.dirname, "instance-child.ts")],
    {
      cwd: process.cwd(),
      env: { ...process.env },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const waiting: Array<(line: string) => void> = [];
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      for (const w of waiting.splice(0)) w(`__exit__${code}: ${stderr.slice(-2000)}`);
      resolve();
    }),
  );
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await next();
  if (ready !== "ready") throw new Error(`second instance did not start: ${ready}`);
  return {
    async ask(command) {
      const reply = next();
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const line = await reply;
      if (line.startsWith("__exit__")) throw new Error(`second instance died: ${line}`);
      return JSON.parse(line) as Record<string, unknown>;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
