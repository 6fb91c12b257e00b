// Starts broker-child.ts processes (real, separate Node processes) and drives them round by round.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

export interface ChildRound {
  ok: number;
  failed: number;
  errors: string[];
  tokens: Record<string, number>;
  ms: number;
}

export interface BrokerChildren {
  /** Sends "go" to every child at once and collects one round from each. */
  round(): Promise<ChildRound[]>;
  close(): Promise<void>;
}

const CHILD = path.join(import.meta.dirname, "broker-child.ts");

export async function startBrokerChildren(
  count: number,
  connectionId: string,
  concurrency: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BrokerChildren> {
  const children: ChildProcessWithoutNullStreams[] = [];
  const queues: Array<Array<(line: string) => void>> = [];
  const backlog: string[][] = [];
  for (let i = 0; i < count; i++) {
    // react-server: the app's modules carry `import "server-only"`, which only resolves under that condition.
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", CHILD, connectionId, String(concurrency)],
      {
        cwd: process.cwd(),
        env: { ...env },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    children.push(child);
    queues.push([]);
    backlog.push([]);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) {
        for (const waiter of queues[i] ?? []) waiter(`__exit__${code}: ${stderr.slice(-2000)}`);
      }
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const waiter = queues[i]?.shift();
      if (waiter) waiter(line);
      else backlog[i]?.push(line);
    });
  }
  const next = (i: number) =>
    new Promise<string>((resolve) => {
      const ready = backlog[i]?.shift();
      if (ready !== undefined) resolve(ready);
      else queues[i]?.push(resolve);
    });
  const expectLine = async (i: number) => {
    const line = await next(i);
    if (line.startsWith("__exit__")) throw new Error(`broker child ${i} exited: ${line}`);
    return line;
  };
  const ready = await Promise.all(children.map((_, i) => expectLine(i)));
  if (!ready.every((l) => l === "ready")) throw new Error(`children not ready: ${ready.join(" | ")}`);
  return {
    async round() {
      const answers = children.map((_, i) => expectLine(i));
      for (const child of children) child.stdin.write("go\n");
      return (await Promise.all(answers)).map((line) => JSON.parse(line) as ChildRound);
    },
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.stdin.write("exit\n");
              setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
            }),
        ),
      );
    },
  };
}
