// Runs once when a server process starts: records every request's socket address in X-Forwarded-For,
// validates configuration, then starts background work.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installForwardedFor } = await import("@/lib/server/forwarded-for");
  installForwardedFor();
  const { startServer } = await import("@/lib/server/start");
  await startServer();
}
