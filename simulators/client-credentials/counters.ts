// What a client-credentials simulator counts: calls per endpoint, and token requests, tokens issued and
// API calls per client id.
import { CounterBook, type EndpointCounters } from "../http";

/** Counts per client id. */
export class ClientTally {
  private counts = new Map<string, number>();

  add(clientId: string): void {
    this.counts.set(clientId, (this.counts.get(clientId) ?? 0) + 1);
  }

  get(clientId: string): number {
    return this.counts.get(clientId) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}

export type CcCounters<K extends string> = {
  /** Every call per endpoint (`other` = unknown paths): received, succeeded, rejected by reason. */
  endpoints: Partial<Record<K | "other", EndpointCounters>>;
  /** Token requests naming each client id, whatever their outcome (faults included). */
  tokenRequestsByClient: Record<string, number>;
  /** Tokens actually issued per client id. */
  tokensIssuedByClient: Record<string, number>;
  /** API calls that presented a valid token, per client id. */
  apiCallsByClient: Record<string, number>;
};

/** Counter state of one simulator. */
export class CcCounterSet<K extends string> {
  readonly book = new CounterBook<K | "other">();
  readonly tokenRequests = new ClientTally();
  readonly tokensIssued = new ClientTally();
  readonly apiCalls = new ClientTally();

  snapshot(): CcCounters<K> {
    return {
      endpoints: this.book.snapshot(),
      tokenRequestsByClient: this.tokenRequests.snapshot(),
      tokensIssuedByClient: this.tokensIssued.snapshot(),
      apiCallsByClient: this.apiCalls.snapshot(),
    };
  }

  reset(): void {
    this.book.reset();
    this.tokenRequests.reset();
    this.tokensIssued.reset();
    this.apiCalls.reset();
  }
}
