import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIpFrom, normalizeAddress } from "@/lib/http/client-ip";
import { appendSocketAddress } from "@/lib/server/forwarded-for";

const headers = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });

describe("the client's address", () => {
  it("with no proxy (TRUSTED_PROXY_HOPS=0) is the last entry, the socket's; what the client wrote is ignored", () => {
    expect(clientIpFrom(headers("6.6.6.6, 203.0.113.9"), 0)).toBe("203.0.113.9");
    expect(clientIpFrom(headers("203.0.113.9"), 0)).toBe("203.0.113.9");
  });

  it("behind N proxies is the entry N from the right", () => {
    // client forged 6.6.6.6; the load balancer appended the real client 198.51.100.4; the socket is the LB.
    expect(clientIpFrom(headers("6.6.6.6, 198.51.100.4, 10.0.0.2"), 1)).toBe("198.51.100.4");
    expect(clientIpFrom(headers("6.6.6.6, 198.51.100.4, 10.0.0.3, 10.0.0.2"), 2)).toBe("198.51.100.4");
    // Fewer entries than proxies configured: the farthest one seen.
    expect(clientIpFrom(headers("10.0.0.2"), 2)).toBe("10.0.0.2");
  });

  it("is null without the header or when the entry is not an address; X-Real-IP is not trusted", () => {
    expect(clientIpFrom(headers(), 0)).toBeNull();
    expect(clientIpFrom(new Headers({ "x-real-ip": "6.6.6.6" }), 0)).toBeNull();
    expect(clientIpFrom(headers("1.1.1.1, not-an-address"), 0)).toBeNull();
  });

  it("normalizes ports, brackets and IPv4-mapped IPv6", () => {
    expect(normalizeAddress("203.0.113.9:5123")).toBe("203.0.113.9");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
  });
});

describe("the server hook that appends the socket's address (lib/server/forwarded-for.ts)", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      appendSocketAddress(req);
      res.end(
        clientIpFrom(new Headers({ "x-forwarded-for": String(req.headers["x-forwarded-for"] ?? "") }), 0) ?? "none",
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("a client forging X-Forwarded-For is still seen at its socket address", async () => {
    const answer = await fetch(url, { headers: { "x-forwarded-for": "6.6.6.6" } });
    expect(await answer.text()).toBe("127.0.0.1");
    expect(await (await fetch(url)).text()).toBe("127.0.0.1");
  });
});
