import "server-only";

/**
 * The client's address as seen by the nearest proxy: the last entry of X-Forwarded-For (Next's own
 * server or the load balancer appends it; entries further left are whatever the client sent).
 */
export function clientIpFrom(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) {
    const last = forwarded.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
    if (last) return last.slice(0, 64);
  }
  return headers.get("x-real-ip")?.trim().slice(0, 64) || null;
}
