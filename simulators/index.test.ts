import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startAllSimulators } from "./index";

describe("startAllSimulators", () => {
  it("starts the four client-credentials simulators on loopback and closes them", async () => {
    const sims = await startAllSimulators();
    try {
      const urls = [sims.noyo.url, sims.inyo.url, sims.nuvy.url, sims.oauth2.url];
      expect(new Set(urls).size).toBe(4);
      for (const url of urls) {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${url}/__sim/counters`);
        expect(res.status).toBe(200);
      }
      const token = await fetch(sims.nuvy.tokenUrl, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${sims.nuvy.defaultClient.clientId}:${sims.nuvy.defaultClient.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      expect(token.status).toBe(200);
    } finally {
      await sims.close();
    }
    await expect(fetch(`${sims.noyo.url}/__sim/counters`)).rejects.toThrow();
  });

  it("also starts Noon and Secrets Manager when asked", async () => {
    const sims = await startAllSimulators({ noon: { redirectUri: "http://127.0.0.1:1/api/noon/callback" }, aws: {} });
    try {
      expect(sims.noon?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sims.aws?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await sims.close();
    }
    const plain = await startAllSimulators();
    await plain.close();
    expect(plain.noon).toBeUndefined();
    expect(plain.aws).toBeUndefined();
  });

  it("fails when a fixed port is taken and leaves nothing listening", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      await expect(startAllSimulators({ ports: { inyo: port } })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
