// A second app instance for the multi-instance tests: its own API-key cache, token broker and change
// listener, the same database. Prints "ready" once its listener is live; then answers one JSON line per
// command line on stdin: {"op":"auth","key":…,"scope":…} → {ok, code?}; {"op":"token","connectionId":…}
// → {ok, code?, digest?}; {"op":"rate","key":…,"points":…,"seconds":…,"calls":…} → {allowed, refused} (the
// leased /api/v1 limit, `calls` at once). Keys and tokens are never printed (tokens as a short SHA-256 digest).
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { authenticateApiKey } from "@/lib/api-keys/authenticate";
import type { ApiKeyScope } from "@/lib/auth/permissions";
import { tokenBroker } from "@/lib/connections/broker";
import { changeListener } from "@/lib/db/changes";
import { AppError } from "@/lib/errors";
import { consumeLeasedRateLimit } from "@/lib/rate-limit";

type Command =
  | { op: "auth"; key: string; scope: ApiKeyScope }
  | { op: "token"; connectionId: string }
  | { op: "rate"; key: string; points: number; seconds: number; calls: number };

async function answer(command: Command): Promise<Record<string, unknown>> {
  if (command.op === "auth") {
    try {
      await authenticateApiKey(
        new Request("http://localhost:3999/api/v1/x", { headers: { authorization: `Bearer ${command.key}` } }),
        command.scope,
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, code: error instanceof AppError ? error.code : String(error) };
    }
  }
  if (command.op === "rate") {
    const policy = { points: command.points, durationSeconds: command.seconds };
    const verdicts = await Promise.all(
      Array.from({ length: command.calls }, () => consumeLeasedRateLimit("api-per-key", command.key, policy)),
    );
    const allowed = verdicts.filter((v) => v.allowed).length;
    return { allowed, refused: verdicts.length - allowed };
  }
  const result = await tokenBroker().getToken(command.connectionId);
  return result.ok
    ? { ok: true, digest: createHash("sha256").update(result.data.accessToken).digest("hex").slice(0, 16) }
    : { ok: false, code: result.error.code };
}

const listener = changeListener();
while (!listener.isLive) await new Promise((r) => setTimeout(r, 20));
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  console.log(JSON.stringify(await answer(JSON.parse(line) as Command)));
}
process.exit(0);
