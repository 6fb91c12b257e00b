import "server-only";
// What `GET /api/v1/connections/{id}/token` hands to internal services: a valid token through the broker.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { tokenBroker, type TokenBroker } from "./broker";

export interface IssuedConnectionToken {
  accessToken: string;
  tokenType: string;
  expiresAt: string;
}

/** A valid access token of the connection (the broker's cache; one provider request per lifetime). */
export async function issueConnectionToken(
  connectionId: string,
  broker: TokenBroker = tokenBroker(),
): Promise<IssuedConnectionToken> {
  if (!z.uuid().safeParse(connectionId).success) throw new AppError("NOT_FOUND", "This connection does not exist.");
  const result = await broker.getToken(connectionId);
  if (!result.ok) throw result.error;
  return {
    accessToken: result.data.accessToken,
    tokenType: result.data.tokenType,
    expiresAt: result.data.expiresAt.toISOString(),
  };
}
