// IP address classification for the SSRF guard (lib/http/outbound.ts) and the configuration (lib/config),
// on parsed addresses (ipaddr.js ranges), never on text patterns. Free of "server-only": config loads it.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** The address without URL brackets or an IPv6 zone, in the WHATWG URL's canonical form. */
function canonical(ip: string): string | null {
  const bare = ip
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return null;
  // ipaddr.js reads "::a.b.c.d" (IPv4-compatible) as IPv4-mapped; the URL serializer writes it as hex.
  try {
    return new URL(`http://[${bare}]/`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const text = canonical(ip);
  if (!text) return null;
  try {
    return ipaddr.parse(text);
  } catch {
    return null;
  }
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
function embeddedV4(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const [g = 0, h = 0] = v6.parts.slice(6);
  return new ipaddr.IPv4([g >> 8, g & 255, h >> 8, h & 255]);
}

/** Why a provider may never be reached at this address, or null when it is a public unicast address. */
export function nonPublicReason(ip: string): string | null {
  const addr = parse(ip);
  if (!addr) return "not an IP address";
  if (addr.kind() === "ipv4") {
    const range = addr.range();
    return range === "unicast" ? null : range;
  }
  const v6 = addr as ipaddr.IPv6;
  const p = v6.parts;
  // ::/96: unspecified, loopback and the deprecated IPv4-compatible form (::a.b.c.d).
  if (p.slice(0, 6).every((x) => x === 0)) return "ipv4Compatible";
  const range = v6.range();
  // IPv4-mapped and well-known NAT64 (64:ff9b::/96) reach the embedded IPv4 address: judged by it.
  if (range === "ipv4Mapped") return nonPublicReason(embeddedV4(v6).toString());
  if (p[0] === 0x64 && p[1] === 0xff9b && p.slice(2, 6).every((x) => x === 0))
    return nonPublicReason(embeddedV4(v6).toString());
  // Everything else that is not global unicast: IPv4-translated (::ffff:0:a.b.c.d), discard-only 100::/64,
  // 6to4 2002::/16, Teredo, local-use NAT64, documentation, unique-local, link-local, multicast, reserved.
  return range === "unicast" ? null : range;
}

/** True for addresses a provider must never resolve to (anything but public unicast). */
export function isPrivateAddress(ip: string): boolean {
  return nonPublicReason(ip) !== null;
}

/** True for a loopback address: 127.0.0.0/8, ::1, or an IPv4-mapped loopback address. */
export function isLoopbackAddress(ip: string): boolean {
  const addr = parse(ip);
  if (!addr) return false;
  if (addr.kind() === "ipv4") return addr.range() === "loopback";
  const v6 = addr as ipaddr.IPv6;
  if (v6.range() === "ipv4Mapped") return embeddedV4(v6).range() === "loopback";
  return v6.range() === "loopback";
}

/** "2001:db8:1:2::/64" for an IPv6 address (not IPv4-mapped); null for anything else. */
export function ipv6Prefix64(ip: string): string | null {
  const addr = parse(ip);
  if (!addr || addr.kind() !== "ipv6") return null;
  const v6 = addr as ipaddr.IPv6;
  if (v6.range() === "ipv4Mapped") return null;
  return `${new ipaddr.IPv6([...v6.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/** True when a URL's host is this machine: `localhost` or a loopback address (parsed, not matched as text). */
export function isLoopbackUrl(value: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(value).hostname;
  } catch {
    return false;
  }
  if (hostname === "localhost") return true;
  return isLoopbackAddress(hostname);
}
