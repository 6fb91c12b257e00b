// Next's server (16.x, base-server.js) sets X-Forwarded-For to the socket's address only when the request
// has none (`??=`), so a client that sends its own header would hide its address from the app. This
// appends the socket's address to every incoming request's X-Forwarded-For before Next sees it, as a
// proxy would: the last entry is always the peer that connected (lib/http/client-ip.ts reads it).
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { processSingleton } from "./process-singleton";

export function appendSocketAddress(request: http.IncomingMessage): void {
  const peer = (request.socket as Socket | undefined)?.remoteAddress;
  if (!peer) return;
  const sent = request.headers["x-forwarded-for"];
  const previous = (Array.isArray(sent) ? sent.join(", ") : (sent ?? "")).trim();
  request.headers["x-forwarded-for"] = previous ? `${previous}, ${peer}` : peer;
}

/** Installs the hook on Node's HTTP(S) servers once per process (instrumentation.ts calls it first). */
export function installForwardedFor(): void {
  processSingleton("forwarded-for", patchServers);
}

function patchServers(): true {
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
    Server.prototype.emit = function patchedEmit(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
      if (event === "request" && args[0] instanceof http.IncomingMessage) appendSocketAddress(args[0]);
      return emit.call(this, event, ...args);
    } as typeof Server.prototype.emit;
  }
  return true;
}
