import { describe, expect, it } from "vitest";
import { CounterBook, FaultBoard, handleSimControl, hang, readBody, sendJson, startHttpServer } from "./http";

describe("simulator HTTP helper", () => {
  it("serves on 127.0.0.1, caps bodies, and closes despite hanging connections", async () => {
    const server = await startHttpServer(async (req, res) => {
      if (req.url === "/hang") return hang(req, res, 60_000);
      try {
        const body = await readBody(req, 8);
        sendJson(res, 200, { size: body.length });
      } catch {
        sendJson(res, 413, { message: "too large" });
      }
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(server.url, { method: "POST", body: "1234" })).json()).toEqual({ size: 4 });
    expect((await fetch(server.url, { method: "POST", body: "123456789" })).status).toBe(413);
    const pending = fetch(`${server.url}/hang`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it("consumes per-endpoint faults before global ones, with the consumed set's status", () => {
    const board = new FaultBoard(["a", "b"] as const, ["extraNext"] as const);
    board.set({ delayMs: 10 }, "a");
    board.set({ failNext: 1, status: 503, delayMs: 5 });
    board.set({ failNext: 1, status: 502 }, "b");
    expect(board.delayMs("a")).toBe(10);
    expect(board.delayMs("b")).toBe(5);
    expect(board.preflight("b")).toEqual({ kind: "fail", status: 502 });
    expect(board.preflight("a")).toEqual({ kind: "fail", status: 503 });
    expect(board.preflight("a")).toEqual({ kind: "none" });
    expect(board.applyJson({ endpoints: { a: { extraNext: 2 } } })).toBeNull();
    expect(board.take("a", "extraNext")).toBe(true);
    expect(board.take("b", "extraNext")).toBe(false);
    expect(board.applyJson({ endpoint: "c", failNext: 1 })).toMatch(/unknown endpoint/);
    expect(board.applyJson({ failNext: 1.5 })).toMatch(/non-negative integer/);
    expect(board.applyJson({ status: 200 })).toMatch(/400–599/);
    expect(board.applyJson({ global: { timeoutNext: 1, hangMs: 5 } })).toBeNull();
    expect(board.preflight("b")).toEqual({ kind: "timeout", hangMs: 5 });
  });

  it("serves the /__sim control API", async () => {
    const counters = new CounterBook<"x">();
    const board = new FaultBoard(["x"] as const, [] as const);
    const server = await startHttpServer(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://h").pathname;
      const handled = await handleSimControl(req, res, path, {
        counters: () => counters.snapshot(),
        faults: () => board.snapshot(),
        applyFaults: (b) => board.applyJson(b),
        reset: () => {
          counters.reset();
          board.reset();
        },
      });
      if (handled) return;
      counters.received("x");
      counters.rejected("x", "why");
      sendJson(res, 200, {});
    });
    try {
      await fetch(`${server.url}/thing`);
      expect(await (await fetch(`${server.url}/__sim/counters`)).json()).toEqual({
        x: { received: 1, succeeded: 0, rejected: { why: 1 } },
      });
      const set = await fetch(`${server.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ failNext: 2 }) });
      expect(((await set.json()) as { global: { failNext: number } }).global.failNext).toBe(2);
      expect((await fetch(`${server.url}/__sim/faults`, { method: "POST", body: "nope" })).status).toBe(400);
      expect((await fetch(`${server.url}/__sim/reset`)).status).toBe(405);
      expect((await fetch(`${server.url}/__sim/reset`, { method: "POST" })).status).toBe(200);
      expect(await (await fetch(`${server.url}/__sim/counters`)).json()).toEqual({});
      expect((await fetch(`${server.url}/__sim/unknown`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
