import "server-only";
// Start-up work of the connections module: keep connection_token_requests small (only the last
// rate-limit window matters; an hour is kept for troubleshooting).
import { log } from "@/lib/log";
import { pruneTokenRequests } from "./rate-limit";

const PRUNE_EVERY_MS = 15 * 60_000;

/** Start-up task (lib/server/start.ts): prunes now, then every 15 minutes. */
export async function startTokenRequestPruning(): Promise<void> {
  const prune = () =>
    pruneTokenRequests().catch((error: unknown) =>
      log().warn(
        { err: error instanceof Error ? error.message : String(error) },
        "pruning connection_token_requests failed",
      ),
    );
  await prune();
  setInterval(() => void prune(), PRUNE_EVERY_MS).unref();
}
