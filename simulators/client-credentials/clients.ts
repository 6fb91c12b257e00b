// The registered clients of a client-credentials simulator; secrets are compared in constant time.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";

export type SimClient = { clientId: string; clientSecret: string };

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** The simulator's registered clients; secrets are compared in constant time. */
export class ClientRegistry<C extends SimClient> {
  private clients = new Map<string, C>();

  constructor(initial: readonly C[] = []) {
    for (const c of initial) this.add(c);
  }

  add(client: C): void {
    if (client.clientId === "") throw new Error("clientId must not be empty");
    this.clients.set(client.clientId, client);
  }

  remove(clientId: string): boolean {
    return this.clients.delete(clientId);
  }

  get(clientId: string): C | undefined {
    return this.clients.get(clientId);
  }

  ids(): string[] {
    return [...this.clients.keys()];
  }

  /** The client when `clientId` is registered and `clientSecret` matches it, else undefined. */
  authenticate(clientId: string, clientSecret: string): C | undefined {
    const client = this.clients.get(clientId);
    // Compare even for unknown ids so timing does not reveal which ids exist.
    const expected = digest(client?.clientSecret ?? randomUUID());
    const matches = timingSafeEqual(expected, digest(clientSecret));
    return client && matches ? client : undefined;
  }
}

/** Reads `clientId`/`clientSecret` strings from a control body; returns an error message or the pair. */
export function clientFromJson(body: Record<string, unknown>): SimClient | string {
  const { clientId, clientSecret } = body;
  if (typeof clientId !== "string" || clientId === "") return "clientId must be a non-empty string";
  if (typeof clientSecret !== "string" || clientSecret === "") return "clientSecret must be a non-empty string";
  return { clientId, clientSecret };
}
