// The events a webhook endpoint can subscribe to (plain data: the dashboard's forms import it too).

export const EVENT_TYPES = [
  "seller.connected",
  "authorization.failed",
  "authorization.declined",
  "authorization.key_storage_delayed",
  "authorization.key_stored",
  "credential.superseded",
  "credential.verified",
  "credential.invalid",
  "connection.unhealthy",
  "connection.recovered",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent only by "Send test event", to the one endpoint it was asked for. */
export const TEST_EVENT_TYPE = "webhook.test";

export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  "seller.connected": "A seller's Noon key is in the secret store and is their active credential (with its reference).",
  "authorization.failed": "A connection request failed (stage, HTTP status, message).",
  "authorization.declined": "The seller declined on Noon's consent page.",
  "authorization.key_storage_delayed": "The secret store refused the key; it is kept sealed and retried.",
  "authorization.key_stored": "A delayed key reached the secret store (after N attempts).",
  "credential.superseded": "A newer connection replaced a seller's credential.",
  "credential.verified": "Noon accepted a seller's stored key: its first verification, or the first after failures.",
  "credential.invalid":
    "A seller's stored key failed verification twice in a row (rejected by Noon or missing from the secret store): the seller must connect again.",
  "connection.unhealthy":
    "A client-credentials connection's token request or test failed (the first failure in a row).",
  "connection.recovered": "A failing client-credentials connection works again.",
};

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
