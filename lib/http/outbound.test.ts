// The SSRF guard: every non-public address form refused (on parsed addresses), and non-default ports
// refused unless configured.
import http from "node:http";
import { describe, expect, it } from "vitest";
import { isLoopbackAddress, isLoopbackUrl, isPrivateAddress, nonPublicReason } from "./addresses";
import { outboundRequest, providerUrlProblem } from "./outbound";

const strict = { allowInsecure: false };

describe("isPrivateAddress", () => {
  it.each([
    ["::127.0.0.1", "IPv4-compatible loopback"],
    ["::7f00:1", "IPv4-compatible loopback, hex"],
    ["::8.8.8.8", "IPv4-compatible, even of a public address (deprecated form)"],
    ["::ffff:0:127.0.0.1", "IPv4-translated loopback"],
    ["::ffff:0:8.8.8.8", "IPv4-translated"],
    ["100::1", "discard-only 100::/64"],
    ["100::ffff:ffff:ffff:ffff", "discard-only 100::/64, last address"],
    ["2002:7f00:1::1", "6to4 of 127.0.0.1"],
    ["2002:808:808::1", "6to4 of a public address"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["64:ff9b:1::a00:1", "local-use NAT64"],
    ["::ffff:169.254.169.254", "IPv4-mapped metadata address"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of the metadata address"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "bracketed loopback"],
    ["fe80::1%eth0", "link-local with a zone"],
    ["fd00::1", "unique local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["127.0.0.1", "IPv4 loopback"],
    ["169.254.169.254", "IPv4 link-local (cloud metadata)"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["198.18.0.1", "benchmarking"],
    ["192.0.0.8", "IETF protocol assignments"],
    ["0.0.0.0", "this network"],
    ["255.255.255.255", "broadcast"],
    ["not-an-address", "not an address"],
  ])("refuses %s (%s)", (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "[2a00:1450:4001:80b::200e]"])(
    "accepts the public address %s",
    (ip) => {
      expect(nonPublicReason(ip)).toBeNull();
    },
  );

  it("knows loopback by its parsed value", () => {
    for (const ip of ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "[::1]"])
      expect(isLoopbackAddress(ip)).toBe(true);
    for (const ip of ["128.0.0.1", "::2", "::ffff:10.0.0.1", "127.example.com"])
      expect(isLoopbackAddress(ip)).toBe(false);
  });
});

describe("isLoopbackUrl", () => {
  it("parses the host instead of matching text", () => {
    expect(isLoopbackUrl("http://127.0.0.1:3000/")).toBe(true);
    expect(isLoopbackUrl("http://127.1/")).toBe(true); // the URL parser makes it 127.0.0.1
    expect(isLoopbackUrl("http://0x7f000001/")).toBe(true);
    expect(isLoopbackUrl("http://[::1]:3000/")).toBe(true);
    expect(isLoopbackUrl("http://[::ffff:127.0.0.1]/")).toBe(true);
    expect(isLoopbackUrl("http://localhost:3000/")).toBe(true);
    // A public name that merely starts like a loopback address.
    expect(isLoopbackUrl("http://127.attacker.example/")).toBe(false);
    expect(isLoopbackUrl("http://127.0.0.1.nip.io/")).toBe(false);
    expect(isLoopbackUrl("http://localhost.attacker.example/")).toBe(false);
    expect(isLoopbackUrl("not a url")).toBe(false);
  });
});

describe("providerUrlProblem", () => {
  it.each([
    "https://[::127.0.0.1]/token",
    "https://[::ffff:0:127.0.0.1]/token",
    "https://[100::1]/token",
    "https://[2002:a9fe:a9fe::]/token",
    "https://[::ffff:169.254.169.254]/token",
  ])("refuses %s", (url) => {
    expect(providerUrlProblem(url, strict)).toContain("private");
  });

  it("refuses a non-default port unless PROVIDER_ALLOWED_PORTS names it or the simulator switch is on", () => {
    expect(providerUrlProblem("https://auth.example.com:8443/token", strict)).toMatch(
      /standard port.*8443.*PROVIDER_ALLOWED_PORTS/,
    );
    expect(providerUrlProblem("https://auth.example.com:22/token", strict)).toMatch(/standard port/);
    expect(
      providerUrlProblem("https://auth.example.com:8443/token", { allowInsecure: false, allowedPorts: [8443] }),
    ).toBeNull();
    expect(providerUrlProblem("https://auth.example.com:443/token", strict)).toBeNull(); // the default, spelled out
    expect(providerUrlProblem("https://auth.example.com/token", strict)).toBeNull();
    expect(providerUrlProblem("http://127.0.0.1:4011/token", { allowInsecure: true })).toBeNull();
  });

  it("refuses the new forms before connecting", async () => {
    await expect(outboundRequest("https://[::ffff:0:7f00:1]/token", { method: "GET" }, strict)).rejects.toMatchObject({
      kind: "unsafe-url",
    });
    await expect(outboundRequest("https://example.com:8443/token", { method: "GET" }, strict)).rejects.toMatchObject({
      kind: "unsafe-url",
    });
  });
});

describe("kept-alive connections", () => {
  it("a burst of concurrent calls leaves its connections for the next burst (no new handshake per call)", async () => {
    let connections = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => setTimeout(() => res.end("{}"), 2));
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/token`;
    const policy = { allowInsecure: true };
    // 50 sellers' callbacks at once, each two calls in a row (token/create, then token/exchange).
    const burst = () =>
      Promise.all(
        Array.from({ length: 50 }, async () => {
          for (let i = 0; i < 2; i++) await outboundRequest(url, { method: "POST", body: "{}" }, policy);
        }),
      );
    try {
      await burst();
      const first = connections;
      expect(first).toBeLessThanOrEqual(50);
      await burst();
      expect(connections - first).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
