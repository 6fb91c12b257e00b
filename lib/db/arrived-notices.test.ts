import net from "node:net";
import { afterEach, expect, test } from "vitest";
import { afterArrivedNotices } from "@/lib/db/changes";

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

test("callers of one event-loop turn share one wait; a caller after it gets a new one", async () => {
  const first = afterArrivedNotices();
  expect(afterArrivedNotices()).toBe(first);
  await first;
  const next = afterArrivedNotices();
  expect(next).not.toBe(first);
  await next;
});

test("the wait ends after all I/O the loop's poll saw ready has run, a notice among it", async () => {
  // One socket plays the change listener, the other the request; both are written before the loop polls
  // (the request first: the wait covers the whole poll, whatever order its sockets are read in).
  const heard: string[] = [];
  const answers: boolean[] = [];
  const server = net.createServer((socket) =>
    socket.on("data", (d) => {
      const text = d.toString();
      if (text.startsWith("notice")) heard.push(text);
      else void afterArrivedNotices().then(() => answers.push(heard.includes(text.replace("request", "notice"))));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const connect = () =>
    new Promise<net.Socket>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    });
  const [listener, request] = await Promise.all([connect(), connect()]);
  closers.push(() => (listener.destroy(), request.destroy(), server.close()));
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (let i = 0; i < 20; i++) {
    request.write(`request ${i}`);
    listener.write(`notice ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await expect.poll(() => answers.length).toBe(20);
  expect(answers.every(Boolean)).toBe(true);
});
