// A loopback stand-in for an integrator's backend receiving webhooks: it verifies every request with the
// `standardwebhooks` package (not the app's code), records what it got, and takes faults (fail the next N
// with a status and Retry-After, answer 410, go down and come back).
import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { readBody, sendJson, startHttpServer, type StartedHttpServer } from "../http";

export type ReceivedRequest = {
  webhookId: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Parsed body when the signature verified with one of the receiver's secrets. */
  event: { type: string; timestamp: string; sequence: number; data: Record<string, unknown> } | null;
  verified: boolean;
  /** The status this receiver answered. */
  answered: number;
  at: Date;
};

export type ReceiverFaults = {
  /** The next N verified requests answer `status` (default 500). */
  failNext: number;
  status: number;
  retryAfter?: string;
  /** Every request answers 410 Gone. */
  gone: boolean;
  /** Every request waits this long before answering. */
  delayMs: number;
};

export type StartedWebhookReceiver = StartedHttpServer & {
  /** Where to point an endpoint. */
  endpointUrl: string;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  /** Verified requests answered 2xx. */
  delivered(): ReceivedRequest[];
  /** Secrets a request may be signed with (a rotating receiver holds the old and the new). */
  setSecrets(secrets: string[]): void;
  faults: ReceiverFaults;
  resetFaults(): void;
};

const defaults = (): ReceiverFaults => ({ failNext: 0, status: 500, gone: false, delayMs: 0 });

export async function startWebhookReceiver(
  opts: { secrets?: string[]; port?: number } = {},
): Promise<StartedWebhookReceiver> {
  let secrets = opts.secrets ?? [];
  const requests: ReceivedRequest[] = [];
  const faults = defaults();

  function verify(body: string, headers: Record<string, string>): ReceivedRequest["event"] {
    for (const secret of secrets) {
      try {
        return new Webhook(secret).verify(body, headers) as ReceivedRequest["event"];
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
      }
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = (await readBody(req, 1024 * 1024)).toString("utf8");
    const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : "");
    const headers = {
      "webhook-id": header("webhook-id"),
      "webhook-timestamp": header("webhook-timestamp"),
      "webhook-signature": header("webhook-signature"),
    };
    const event = req.method === "POST" ? verify(body, headers) : null;
    const record: ReceivedRequest = {
      webhookId: headers["webhook-id"],
      timestamp: headers["webhook-timestamp"],
      signature: headers["webhook-signature"],
      body,
      event,
      verified: event !== null,
      answered: 0,
      at: new Date(),
    };
    requests.push(record);
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    const answer = (status: number, extra: Record<string, string> = {}) => {
      record.answered = status;
      sendJson(res, status, { status }, extra);
    };
    if (!event) return answer(401);
    if (faults.gone) return answer(410);
    if (faults.failNext > 0) {
      faults.failNext -= 1;
      return answer(faults.status, faults.retryAfter ? { "retry-after": faults.retryAfter } : {});
    }
    answer(200);
  }

  const server = await startHttpServer(handle, opts.port ? { port: opts.port } : {});
  return {
    ...server,
    endpointUrl: `${server.url}/hooks`,
    requests,
    delivered: () => requests.filter((r) => r.verified && r.answered >= 200 && r.answered < 300),
    setSecrets: (next) => {
      secrets = next;
    },
    faults,
    resetFaults: () => Object.assign(faults, defaults()),
  };
}
