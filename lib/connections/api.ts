import "server-only";
// What `GET /api/v1/connections/{id}/token` hands to internal services: a valid token through the broker.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { tokenBroker, type BrokerToken, type TokenBroker } from "./broker";

export interface IssuedConnectionToken {
  accessToken: string;
  tokenType: string;
  expiresAt: string;
}

// Built once: the route is the app's hottest path (lib/connections/README.md).
const connectionIdSchema = z.uuid();
/** The answer for each token the broker holds (it hands out the same object while the token is current). */
const issued = new WeakMap<BrokerToken, IssuedConnectionToken>();

/** A valid access token of the connection (the broker's cache; one provider request per lifetime). */
export async function issueConnectionToken(
  connectionId: string,
  broker: TokenBroker = tokenBroker(),
): Promise<IssuedConnectionToken> {
  if (!connectionIdSchema.safeParse(connectionId).success)
    throw new AppError("NOT_FOUND", "This connection does not exist.");
  const result = await broker.getToken(connectionId);
  if (!result.ok) throw result.error;
  const token = result.data;
  let answer = issued.get(token);
  if (!answer) {
    answer = Object.freeze({
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      expiresAt: token.expiresAt.toISOString(),
    });
    issued.set(token, answer);
  }
  return answer;
}
