// The AWS JSON 1.1 protocol as the simulator speaks it: the operations, AWS's error type and shapes, the
// input fields each operation takes, and the parsers of the values its operations share.
import { randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, sendJson } from "../http";
import type { SecretTag, SecretVersion } from "./store";

export const secretsOperations = [
  "CreateSecret",
  "PutSecretValue",
  "GetSecretValue",
  "DescribeSecret",
  "DeleteSecret",
  "RestoreSecret",
  "ListSecrets",
  "TagResource",
  "UntagResource",
] as const;
export type SecretsOperation = (typeof secretsOperations)[number];
/** Counter/fault keys: the operations plus "other" (unknown operations, protocol errors before one is known). */
export type SecretsEndpoint = SecretsOperation | "other";
export const secretsEndpoints: readonly SecretsEndpoint[] = [...secretsOperations, "other"];

export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const JSON_11 = "application/x-amz-json-1.1";
export const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const TOKEN_PATTERN = /^[A-Za-z0-9-]{32,64}$/;
const MAX_VALUE_BYTES = 65_536;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";
export const NOT_FOUND = "Secrets Manager can't find the specified secret.";
export const AUTH_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export type FieldType = "string" | "boolean" | "number" | "array" | "object";
export const shapes: Record<SecretsOperation, Record<string, FieldType>> = {
  CreateSecret: {
    Name: "string",
    ClientRequestToken: "string",
    Description: "string",
    KmsKeyId: "string",
    SecretBinary: "string",
    SecretString: "string",
    Tags: "array",
    AddReplicaRegions: "array",
    ForceOverwriteReplicaSecret: "boolean",
  },
  PutSecretValue: {
    SecretId: "string",
    ClientRequestToken: "string",
    SecretBinary: "string",
    SecretString: "string",
    VersionStages: "array",
    RotationToken: "string",
  },
  GetSecretValue: { SecretId: "string", VersionId: "string", VersionStage: "string" },
  DescribeSecret: { SecretId: "string" },
  DeleteSecret: { SecretId: "string", RecoveryWindowInDays: "number", ForceDeleteWithoutRecovery: "boolean" },
  RestoreSecret: { SecretId: "string" },
  ListSecrets: {
    IncludePlannedDeletion: "boolean",
    MaxResults: "number",
    NextToken: "string",
    Filters: "array",
    SortOrder: "string",
  },
  TagResource: { SecretId: "string", Tags: "array" },
  UntagResource: { SecretId: "string", TagKeys: "array" },
};

export function typeOf(value: unknown): FieldType | "null" | "other" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  if (t === "string" || t === "boolean" || t === "number" || t === "object") return t;
  return "other";
}

/** Epoch seconds with milliseconds, as the JSON 1.1 protocol sends timestamps. */
export function epoch(ms: number): number {
  return Math.round(ms) / 1000;
}

export function randomSuffix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join("");
}

function isBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value);
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new AwsError(
      "ValidationException",
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === "string" ? value : undefined;
}

export function parseTags(raw: unknown): SecretTag[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new AwsError("SerializationException", "Tags must be a list");
  if (raw.length > 50) throw new AwsError("InvalidParameterException", "You can't add more than 50 tags to a secret.");
  const seen = new Set<string>();
  return raw.map((t: unknown) => {
    if (!isRecord(t) || typeof t.Key !== "string" || typeof t.Value !== "string") {
      throw new AwsError("InvalidParameterException", "Each tag needs a string Key and Value.");
    }
    if (t.Key.length < 1 || t.Key.length > 128 || t.Value.length > 256) {
      throw new AwsError("InvalidParameterException", "Tag keys must be 1–128 characters and values at most 256.");
    }
    if (t.Key.startsWith("aws:")) throw new AwsError("InvalidParameterException", "Tag keys can't start with aws:.");
    if (seen.has(t.Key)) throw new AwsError("InvalidParameterException", "Tag keys must be unique.");
    seen.add(t.Key);
    return { Key: t.Key, Value: t.Value };
  });
}

export type SecretValue = { secretString?: string; secretBinary?: string };

export function parseValue(body: Record<string, unknown>): SecretValue | undefined {
  const s = optionalString(body, "SecretString");
  const b = optionalString(body, "SecretBinary");
  if (s !== undefined && b !== undefined) {
    throw new AwsError(
      "InvalidParameterException",
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (s !== undefined) {
    if (Buffer.byteLength(s) > MAX_VALUE_BYTES)
      throw new AwsError("InvalidParameterException", "The secret value is too large.");
    return { secretString: s };
  }
  if (b !== undefined) {
    if (!isBase64(b)) throw new AwsError("SerializationException", "SecretBinary is not valid base64.");
    if (Buffer.from(b, "base64").length > MAX_VALUE_BYTES) {
      throw new AwsError("InvalidParameterException", "The secret value is too large.");
    }
    return { secretBinary: b };
  }
  return undefined;
}

export function sameValue(v: SecretVersion, value: SecretValue): boolean {
  return v.secretString === value.secretString && v.secretBinary === value.secretBinary;
}

export function clientToken(body: Record<string, unknown>): string {
  const token = optionalString(body, "ClientRequestToken");
  if (token === undefined) return randomUUID();
  if (!TOKEN_PATTERN.test(token)) {
    throw new AwsError("InvalidParameterException", "ClientRequestToken must be 32 to 64 letters, digits or hyphens.");
  }
  return token;
}

/** An AWS error answer: `{__type, Message}` with the request id, as the SDK parses it. */
export function sendAwsError(res: ServerResponse, requestId: string, err: AwsError): void {
  sendJson(
    res,
    err.status,
    { __type: err.type, Message: err.message },
    { "content-type": JSON_11, "x-amzn-requestid": requestId },
  );
}

/** The first field of `input` whose JSON type is not the operation's (null counts as absent), or undefined. */
export function misTypedField(op: SecretsOperation, input: Record<string, unknown>): [string, FieldType] | undefined {
  for (const [field, expected] of Object.entries(shapes[op])) {
    const actual = typeOf(input[field]);
    if (input[field] !== undefined && actual !== expected && actual !== "null") return [field, expected];
  }
  return undefined;
}

/** True when `raw` lists `min` to `max` strings of 1 to `maxLength` characters. */
export function isStringList(raw: unknown, min: number, max: number, maxLength: number): raw is string[] {
  return (
    Array.isArray(raw) &&
    raw.length >= min &&
    raw.length <= max &&
    raw.every((v) => typeof v === "string" && v.length >= 1 && v.length <= maxLength)
  );
}
