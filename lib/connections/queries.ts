import "server-only";
// Read models for the dashboard: plain objects, never a secret, a token or a sealed value.
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { EnvironmentId, ProviderId } from "./providers/types";

export interface ConnectionHealth {
  status: "healthy" | "failing" | "cooldown" | "disabled" | "unknown";
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailureMessage: string | null;
  consecutiveFailures: number;
  cooldownUntil: Date | null;
  tokenExpiresAt: Date | null;
}

export interface ConnectionSummary {
  id: string;
  name: string;
  provider: ProviderId;
  environment: EnvironmentId;
  clientId: string;
  disabled: boolean;
  health: ConnectionHealth;
}

export interface ConnectionDetail extends ConnectionSummary {
  tokenUrl: string;
  apiBaseUrl: string | null;
  scope: string | null;
  credentialsIn: "basic" | "body";
  bodyEncoding: "form" | "json";
  secretSetAt: Date | null;
  secretSetBy: string | null;
  rotationAwaitingConfirmation: boolean;
  createdAt: Date;
  createdBy: string;
  events: Array<{
    id: string;
    at: Date;
    type: string;
    ok: boolean;
    latencyMs: number | null;
    httpStatus: number | null;
    message: string | null;
    actor: string | null;
  }>;
}

type Row = {
  id: string;
  name: string;
  provider: ProviderId;
  environment: EnvironmentId;
  clientId: string;
  disabledAt: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailureMessage: string | null;
  consecutiveFailures: number;
  cooldownUntil: Date | null;
  token: { expiresAt: Date } | null;
};

function health(row: Row, now = Date.now()): ConnectionHealth {
  const status: ConnectionHealth["status"] = row.disabledAt
    ? "disabled"
    : row.cooldownUntil && row.cooldownUntil.getTime() > now
      ? "cooldown"
      : row.consecutiveFailures > 0
        ? "failing"
        : row.lastSuccessAt
          ? "healthy"
          : "unknown";
  return {
    status,
    lastSuccessAt: row.lastSuccessAt,
    lastFailureAt: row.lastFailureAt,
    lastFailureMessage: row.lastFailureMessage,
    consecutiveFailures: row.consecutiveFailures,
    cooldownUntil: row.cooldownUntil,
    tokenExpiresAt: row.token?.expiresAt ?? null,
  };
}

const summarySelect = {
  id: true,
  name: true,
  provider: true,
  environment: true,
  clientId: true,
  disabledAt: true,
  lastSuccessAt: true,
  lastFailureAt: true,
  lastFailureMessage: true,
  consecutiveFailures: true,
  cooldownUntil: true,
  token: { select: { expiresAt: true } },
} as const;

const toSummary = (row: Row): ConnectionSummary => ({
  id: row.id,
  name: row.name,
  provider: row.provider,
  environment: row.environment,
  clientId: row.clientId,
  disabled: row.disabledAt !== null,
  health: health(row),
});

export async function listConnections(): Promise<ConnectionSummary[]> {
  const rows = await db().connection.findMany({
    select: summarySelect,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: 500,
  });
  return rows.map(toSummary);
}

export async function getConnectionDetail(id: string): Promise<ConnectionDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = await db().connection.findUnique({
    where: { id },
    select: {
      ...summarySelect,
      tokenUrl: true,
      apiBaseUrl: true,
      scope: true,
      credentialsIn: true,
      bodyEncoding: true,
      secretSetAt: true,
      secretSetBy: true,
      previousSecretVersionId: true,
      createdAt: true,
      createdBy: true,
      events: { orderBy: { id: "desc" }, take: 25 },
    },
  });
  if (!row) return null;
  return {
    ...toSummary(row),
    tokenUrl: row.tokenUrl,
    apiBaseUrl: row.apiBaseUrl,
    scope: row.scope,
    credentialsIn: row.credentialsIn === "body" ? "body" : "basic",
    bodyEncoding: row.bodyEncoding === "json" ? "json" : "form",
    secretSetAt: row.secretSetAt,
    secretSetBy: row.secretSetBy,
    rotationAwaitingConfirmation: row.previousSecretVersionId !== null,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    events: row.events.map((e) => ({
      id: e.id.toString(),
      at: e.at,
      type: e.type,
      ok: e.ok,
      latencyMs: e.latencyMs,
      httpStatus: e.httpStatus,
      message: e.message,
      actor: e.actor,
    })),
  };
}
