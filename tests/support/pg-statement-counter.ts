// A loopback TCP proxy in front of the test database that reads the PostgreSQL wire protocol the clients send
// and counts what reaches the server: statements (a simple Query, or an extended-protocol Execute) and round
// trips (a Query, or a Sync), per connection's application_name. It sees every client library and every pool
// (Prisma's pg adapter, pg-boss), unlike a patch of one copy of `pg`. Point DATABASE_URL at `url` before
// anything opens a connection.
import net from "node:net";

export type StatementCount = { statements: number; roundTrips: number; sql: string[] };

export type StatementCounter = {
  /** DATABASE_URL with the proxy's host and port. */
  url: string;
  /** What was sent since the last `reset`, by application_name ("" when the client set none). */
  counts(): Map<string, StatementCount>;
  reset(): void;
  close(): Promise<void>;
};

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export async function startStatementCounter(databaseUrl: string): Promise<StatementCounter> {
  const target = new URL(databaseUrl);
  const counts = new Map<string, StatementCount>();
  const sockets = new Set<net.Socket>();
  const tally = (app: string) => {
    let c = counts.get(app);
    if (!c) counts.set(app, (c = { statements: 0, roundTrips: 0, sql: [] }));
    return c;
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    let started = false;
    let app = "";
    // Parse and named prepared statements: a named Parse is sent once per connection, then only Bind/Execute
    // (the Bind names the statement; "" is the unnamed one).
    const parsed = new Map<string, string>();
    let bound = "";
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) {
            // The startup message: protocol, then name/value pairs.
            const fields = buffer
              .subarray(8, length - 1)
              .toString("utf8")
              .split("\0");
            for (let i = 0; i + 1 < fields.length; i += 2)
              if (fields[i] === "application_name") app = fields[i + 1] ?? "";
            started = true;
          }
          buffer = buffer.subarray(length);
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const body = buffer.subarray(5, 1 + length);
        if (type === "Q") {
          const c = tally(app);
          c.statements++;
          c.roundTrips++;
          c.sql.push(
            body
              .toString("utf8", 0, Math.max(0, body.length - 1))
              .replace(/\s+/g, " ")
              .trim(),
          );
        } else if (type === "P") {
          const nameEnd = body.indexOf(0);
          const queryEnd = body.indexOf(0, nameEnd + 1);
          parsed.set(
            body.toString("utf8", 0, nameEnd),
            body
              .toString("utf8", nameEnd + 1, queryEnd)
              .replace(/\s+/g, " ")
              .trim(),
          );
        } else if (type === "B") {
          const portalEnd = body.indexOf(0);
          bound = parsed.get(body.toString("utf8", portalEnd + 1, body.indexOf(0, portalEnd + 1))) ?? "";
        } else if (type === "E") {
          const c = tally(app);
          c.statements++;
          c.sql.push(bound);
        } else if (type === "S") {
          tally(app).roundTrips++;
        }
        buffer = buffer.subarray(1 + length);
      }
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  const url = Object.assign(new URL(databaseUrl), { hostname: "127.0.0.1", port: String(address.port) }).toString();
  return {
    url,
    counts: () => new Map([...counts].map(([k, v]) => [k, { ...v, sql: [...v.sql] }])),
    reset: () => counts.clear(),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
