import "server-only";
import { isIP } from "node:net";
import { config } from "@/lib/config/env";

/**
 * The client's address, the one helper the whole app uses (audit, sign-in throttling, rate limits,
 * callback rejections). X-Forwarded-For arrives with the socket's own address appended as its last
 * entry (lib/server/forwarded-for.ts); each of the TRUSTED_PROXY_HOPS proxies in front appended one
 * more, so the client is that many entries from the right. Entries further left are whatever the
 * client sent and are never used. Null when no valid address is there.
 */
export function clientIpFrom(headers: Headers, trustedProxyHops: number = config().trustedProxyHops): string | null {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (chain.length === 0) return null;
  // Fewer entries than hops: the request came through fewer proxies than configured; the leftmost is
  // the farthest one we can see.
  const entry = chain[Math.max(0, chain.length - 1 - trustedProxyHops)] ?? "";
  return normalizeAddress(entry);
}

/** A bare IP address: brackets, ports and the IPv4-mapped IPv6 prefix removed; null when not an address. */
export function normalizeAddress(value: string): string | null {
  let address = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const zone = address.indexOf("%");
  if (zone >= 0) address = address.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) address = mapped[1];
  return isIP(address) ? address.toLowerCase() : null;
}
