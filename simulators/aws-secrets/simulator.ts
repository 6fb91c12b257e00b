// AWS Secrets Manager simulator: the AWS JSON 1.1 protocol (`POST /`, `X-Amz-Target:
// secretsmanager.<Op>`) for the operations the app uses, with AWS's idempotency, staging-label and
// deletion semantics and AWS's error shapes. It checks that requests are SigV4-shaped (and the access
// key id when configured) but does not verify signatures.
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  CounterBook,
  delay,
  FaultBoard,
  hang,
  handleSimControl,
  hasContentType,
  isRecord,
  readJson,
  sendJson,
  sendText,
  startHttpServer,
  type FaultPatch,
  type SimHandler,
} from "../http";

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
const endpoints: readonly SecretsEndpoint[] = [...secretsOperations, "other"];

/**
 * Secrets Manager fault counters (besides failNext → InternalServiceError, malformedNext, timeoutNext, delayMs):
 * - `throttleNext`: the next N calls answer 400 ThrottlingException (the SDK retries these).
 * - `denyNext`: the next N calls answer 400 AccessDeniedException.
 * - `failAfterCommitNext`: the next N calls do their work, then answer 500 InternalServiceError
 *   (a lost answer: the SDK retries with the same ClientRequestToken).
 */
export type SecretsFaultCounter = "throttleNext" | "denyNext" | "failAfterCommitNext";
export const secretsFaultCounters: readonly SecretsFaultCounter[] = ["throttleNext", "denyNext", "failAfterCommitNext"];

export type SecretsManagerSimulatorOptions = {
  port?: number;
  /** Region in ARNs and the one SigV4 credential scopes must name (default us-east-1). */
  region?: string;
  accountId?: string;
  /** When given, only these access key ids are accepted (else UnrecognizedClientException). */
  allowedAccessKeyIds?: readonly string[];
  /** Clock in milliseconds (tests move time to pass recovery windows). */
  now?: () => number;
};

export type SecretTag = { Key: string; Value: string };

export type SecretVersion = {
  versionId: string;
  secretString?: string;
  /** base64, as on the wire. */
  secretBinary?: string;
  stages: string[];
  createdDate: number;
};

export type SecretRecord = {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: SecretTag[];
  createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** When the secret was scheduled for deletion. */
  deletedDate?: number;
  /** When it will be purged. */
  deletionDate?: number;
  /** Versions in creation order. */
  versions: SecretVersion[];
};

export type SecretsManagerSimulatorState = {
  /** Live and scheduled-for-deletion secrets, by name. */
  secrets: Map<string, SecretRecord>;
};

export type SecretsManagerSimulator = {
  handler: SimHandler;
  state: SecretsManagerSimulatorState;
  counters: CounterBook<SecretsEndpoint>;
  faults: FaultBoard<SecretsEndpoint, SecretsFaultCounter>;
  region: string;
  accountId: string;
  setFaults(patch: FaultPatch<SecretsFaultCounter>, operation?: SecretsEndpoint): void;
  /** Forgets every secret, counter and fault. */
  reset(): void;
  /** The AWSCURRENT string value of a secret (by name), for assertions; undefined when none. */
  currentValue(name: string): string | undefined;
};

export type StartedSecretsManagerSimulator = SecretsManagerSimulator & { url: string; close(): Promise<void> };

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const JSON_11 = "application/x-amz-json-1.1";
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const TOKEN_PATTERN = /^[A-Za-z0-9-]{32,64}$/;
const MAX_VALUE_BYTES = 65_536;
const MAX_VERSIONS = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";
const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const AUTH_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

type FieldType = "string" | "boolean" | "number" | "array" | "object";
const shapes: Record<SecretsOperation, Record<string, FieldType>> = {
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

function typeOf(value: unknown): FieldType | "null" | "other" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  if (t === "string" || t === "boolean" || t === "number" || t === "object") return t;
  return "other";
}

/** Epoch seconds with milliseconds, as the JSON 1.1 protocol sends timestamps. */
function epoch(ms: number): number {
  return Math.round(ms) / 1000;
}

function randomSuffix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join("");
}

function isBase64(value: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value);
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new AwsError(
      "ValidationException",
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === "string" ? value : undefined;
}

function parseTags(raw: unknown): SecretTag[] {
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

type SecretValue = { secretString?: string; secretBinary?: string };

function parseValue(body: Record<string, unknown>): SecretValue | undefined {
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

function sameValue(v: SecretVersion, value: SecretValue): boolean {
  return v.secretString === value.secretString && v.secretBinary === value.secretBinary;
}

function clientToken(body: Record<string, unknown>): string {
  const token = optionalString(body, "ClientRequestToken");
  if (token === undefined) return randomUUID();
  if (!TOKEN_PATTERN.test(token)) {
    throw new AwsError("InvalidParameterException", "ClientRequestToken must be 32 to 64 letters, digits or hyphens.");
  }
  return token;
}

export function createSecretsManagerSimulator(opts: SecretsManagerSimulatorOptions = {}): SecretsManagerSimulator {
  const region = opts.region ?? "us-east-1";
  const accountId = opts.accountId ?? "123456789012";
  const now = opts.now ?? Date.now;
  const allowedKeys = opts.allowedAccessKeyIds ? new Set(opts.allowedAccessKeyIds) : undefined;
  const state: SecretsManagerSimulatorState = { secrets: new Map() };
  const counters = new CounterBook<SecretsEndpoint>();
  const faults = new FaultBoard<SecretsEndpoint, SecretsFaultCounter>(endpoints, secretsFaultCounters);

  const reset = (): void => {
    state.secrets.clear();
    counters.reset();
    faults.reset();
  };

  /** Purges secrets whose recovery window has passed. */
  const purge = (): void => {
    const t = now();
    for (const [name, s] of state.secrets) {
      if (s.deletionDate !== undefined && s.deletionDate <= t) state.secrets.delete(name);
    }
  };

  /** Finds a secret by name, full ARN, or partial ARN (without the random suffix). */
  const find = (secretId: string): SecretRecord => {
    purge();
    const byName = state.secrets.get(secretId);
    if (byName) return byName;
    if (secretId.startsWith("arn:")) {
      for (const s of state.secrets.values()) {
        if (s.arn === secretId || s.arn.slice(0, -7) === secretId) return s;
      }
    }
    throw new AwsError("ResourceNotFoundException", NOT_FOUND);
  };

  const findLive = (secretId: string): SecretRecord => {
    const s = find(secretId);
    if (s.deletedDate !== undefined) throw new AwsError("InvalidRequestException", MARKED_FOR_DELETION);
    return s;
  };

  /** Attaches `stages` to `version`, moving them off other versions (AWSCURRENT → AWSPREVIOUS). */
  const moveStages = (secret: SecretRecord, version: SecretVersion, stages: readonly string[]): void => {
    for (const label of stages) {
      for (const other of secret.versions) {
        if (other === version || !other.stages.includes(label)) continue;
        other.stages = other.stages.filter((l) => l !== label);
        if (label === "AWSCURRENT") {
          for (const v of secret.versions) v.stages = v.stages.filter((l) => l !== "AWSPREVIOUS");
          other.stages.push("AWSPREVIOUS");
        }
      }
      if (!version.stages.includes(label)) version.stages.push(label);
    }
    // Deprecated (unlabelled) versions beyond the quota are removed, oldest first.
    while (secret.versions.length > MAX_VERSIONS) {
      const idx = secret.versions.findIndex((v) => v.stages.length === 0);
      if (idx < 0) break;
      secret.versions.splice(idx, 1);
    }
  };

  const versionMap = (secret: SecretRecord): Record<string, string[]> =>
    Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]]));

  const ops: Record<SecretsOperation, (body: Record<string, unknown>) => Record<string, unknown>> = {
    CreateSecret(body) {
      const name = requireString(body, "Name");
      if (name.length > 512 || !NAME_PATTERN.test(name)) {
        throw new AwsError(
          "InvalidParameterException",
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
        );
      }
      const description = optionalString(body, "Description");
      if (description !== undefined && description.length > 2048) {
        throw new AwsError("InvalidParameterException", "The description is too long.");
      }
      if (Array.isArray(body.AddReplicaRegions) && body.AddReplicaRegions.length > 0) {
        throw new AwsError("InvalidRequestException", "Replication is not supported by the simulator.");
      }
      const value = parseValue(body);
      const token = clientToken(body);
      const tags = parseTags(body.Tags);
      purge();
      const existing = state.secrets.get(name);
      if (existing) {
        if (existing.deletedDate !== undefined) {
          throw new AwsError(
            "InvalidRequestException",
            "You can't create this secret because a secret with this name is already scheduled for deletion.",
          );
        }
        const version = existing.versions.find((v) => v.versionId === token);
        if (version && value) {
          if (!sameValue(version, value)) {
            throw new AwsError(
              "ResourceExistsException",
              "You can't modify an existing version, you can only create a new version.",
            );
          }
          // The same request again (a retry): nothing changes.
          return { ARN: existing.arn, Name: existing.name, VersionId: version.versionId, ReplicationStatus: [] };
        }
        throw new AwsError(
          "ResourceExistsException",
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      const t = now();
      const secret: SecretRecord = {
        arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${randomSuffix()}`,
        name,
        ...(description !== undefined ? { description } : {}),
        ...(optionalString(body, "KmsKeyId") !== undefined ? { kmsKeyId: optionalString(body, "KmsKeyId") } : {}),
        tags,
        createdDate: t,
        lastChangedDate: t,
        versions: [],
      };
      state.secrets.set(name, secret);
      if (!value) return { ARN: secret.arn, Name: secret.name, ReplicationStatus: [] };
      const version: SecretVersion = { versionId: token, ...value, stages: [], createdDate: t };
      secret.versions.push(version);
      moveStages(secret, version, ["AWSCURRENT"]);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, ReplicationStatus: [] };
    },

    PutSecretValue(body) {
      const secretId = requireString(body, "SecretId");
      const value = parseValue(body);
      if (!value) {
        throw new AwsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
      }
      const token = clientToken(body);
      let stages: string[] = ["AWSCURRENT"];
      if (body.VersionStages !== undefined) {
        const raw = body.VersionStages;
        if (
          !Array.isArray(raw) ||
          raw.length < 1 ||
          raw.length > 20 ||
          !raw.every((l) => typeof l === "string" && l.length >= 1 && l.length <= 256)
        ) {
          throw new AwsError("InvalidParameterException", "VersionStages must list 1 to 20 staging labels.");
        }
        stages = [...new Set(raw as string[])];
      }
      const secret = findLive(secretId);
      const existing = secret.versions.find((v) => v.versionId === token);
      if (existing) {
        if (!sameValue(existing, value)) {
          throw new AwsError(
            "ResourceExistsException",
            "You can't modify an existing version, you can only create a new version.",
          );
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: existing.versionId,
          VersionStages: [...existing.stages],
        };
      }
      const t = now();
      const version: SecretVersion = { versionId: token, ...value, stages: [], createdDate: t };
      secret.versions.push(version);
      moveStages(secret, version, stages);
      secret.lastChangedDate = t;
      return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] };
    },

    GetSecretValue(body) {
      const secretId = requireString(body, "SecretId");
      const versionId = optionalString(body, "VersionId");
      const stage = optionalString(body, "VersionStage");
      const secret = findLive(secretId);
      let version: SecretVersion | undefined;
      if (versionId !== undefined) {
        version = secret.versions.find((v) => v.versionId === versionId);
        if (version && stage !== undefined && !version.stages.includes(stage)) version = undefined;
      } else {
        const label = stage ?? "AWSCURRENT";
        version = secret.versions.find((v) => v.stages.includes(label));
      }
      if (!version) {
        throw new AwsError(
          "ResourceNotFoundException",
          versionId !== undefined
            ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`
            : `Secrets Manager can't find the specified secret value for staging label: ${stage ?? "AWSCURRENT"}`,
        );
      }
      const t = now();
      secret.lastAccessedDate = t - (t % DAY_MS);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
        ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
        VersionStages: [...version.stages],
        CreatedDate: epoch(version.createdDate),
      };
    },

    DescribeSecret(body) {
      const secret = find(requireString(body, "SecretId"));
      return {
        ARN: secret.arn,
        Name: secret.name,
        ...(secret.description !== undefined ? { Description: secret.description } : {}),
        ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
        LastChangedDate: epoch(secret.lastChangedDate),
        ...(secret.lastAccessedDate !== undefined ? { LastAccessedDate: epoch(secret.lastAccessedDate) } : {}),
        ...(secret.deletedDate !== undefined ? { DeletedDate: epoch(secret.deletedDate) } : {}),
        ...(secret.tags.length > 0 ? { Tags: secret.tags.map((t) => ({ ...t })) } : {}),
        VersionIdsToStages: versionMap(secret),
        CreatedDate: epoch(secret.createdDate),
      };
    },

    DeleteSecret(body) {
      const secretId = requireString(body, "SecretId");
      const window = body.RecoveryWindowInDays;
      const force = body.ForceDeleteWithoutRecovery === true;
      if (force && window !== undefined) {
        throw new AwsError(
          "InvalidParameterException",
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        );
      }
      if (
        window !== undefined &&
        (typeof window !== "number" || !Number.isInteger(window) || window < 7 || window > 30)
      ) {
        throw new AwsError(
          "InvalidParameterException",
          "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        );
      }
      const secret = find(secretId);
      const t = now();
      if (force) {
        state.secrets.delete(secret.name);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(t) };
      }
      if (secret.deletedDate !== undefined) {
        throw new AwsError("InvalidRequestException", MARKED_FOR_DELETION);
      }
      secret.deletedDate = t;
      secret.deletionDate = t + (typeof window === "number" ? window : 30) * DAY_MS;
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epoch(secret.deletionDate) };
    },

    RestoreSecret(body) {
      const secret = find(requireString(body, "SecretId"));
      delete secret.deletedDate;
      delete secret.deletionDate;
      return { ARN: secret.arn, Name: secret.name };
    },

    ListSecrets(body) {
      purge();
      const max = body.MaxResults ?? 100;
      if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 100) {
        throw new AwsError("InvalidParameterException", "MaxResults must be between 1 and 100.");
      }
      const sortOrder = body.SortOrder ?? "asc";
      if (sortOrder !== "asc" && sortOrder !== "desc") {
        throw new AwsError("InvalidParameterException", "SortOrder must be asc or desc.");
      }
      const filters = parseFilters(body.Filters);
      const includeDeleted = body.IncludePlannedDeletion === true;
      const fingerprint = JSON.stringify([filters, includeDeleted, sortOrder]);
      let offset = 0;
      const next = optionalString(body, "NextToken");
      if (next !== undefined) {
        try {
          const parsed = JSON.parse(Buffer.from(next, "base64url").toString("utf8")) as unknown;
          if (!isRecord(parsed) || parsed.f !== fingerprint || typeof parsed.o !== "number")
            throw new Error("bad token");
          offset = parsed.o;
        } catch {
          throw new AwsError("InvalidNextTokenException", "The NextToken value is invalid.");
        }
      }
      const matching = [...state.secrets.values()]
        .filter((s) => includeDeleted || s.deletedDate === undefined)
        .filter((s) => filters.every((f) => matchesFilter(s, f)))
        .sort((a, b) => (sortOrder === "asc" ? a.createdDate - b.createdDate : b.createdDate - a.createdDate));
      const page = matching.slice(offset, offset + max);
      const more = offset + max < matching.length;
      return {
        SecretList: page.map((s) => ({
          ARN: s.arn,
          Name: s.name,
          ...(s.description !== undefined ? { Description: s.description } : {}),
          ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
          LastChangedDate: epoch(s.lastChangedDate),
          ...(s.lastAccessedDate !== undefined ? { LastAccessedDate: epoch(s.lastAccessedDate) } : {}),
          ...(s.deletedDate !== undefined ? { DeletedDate: epoch(s.deletedDate) } : {}),
          ...(s.tags.length > 0 ? { Tags: s.tags.map((t) => ({ ...t })) } : {}),
          SecretVersionsToStages: versionMap(s),
          CreatedDate: epoch(s.createdDate),
        })),
        ...(more
          ? { NextToken: Buffer.from(JSON.stringify({ o: offset + max, f: fingerprint })).toString("base64url") }
          : {}),
      };
    },

    TagResource(body) {
      const secret = findLive(requireString(body, "SecretId"));
      if (body.Tags === undefined) {
        throw new AwsError(
          "ValidationException",
          "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
        );
      }
      const tags = parseTags(body.Tags);
      for (const tag of tags) {
        const existing = secret.tags.find((t) => t.Key === tag.Key);
        if (existing) existing.Value = tag.Value;
        else secret.tags.push(tag);
      }
      if (secret.tags.length > 50)
        throw new AwsError("InvalidParameterException", "You can't add more than 50 tags to a secret.");
      return {};
    },

    UntagResource(body) {
      const secret = findLive(requireString(body, "SecretId"));
      const keys = body.TagKeys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
        throw new AwsError("InvalidParameterException", "TagKeys must be a list of strings.");
      }
      secret.tags = secret.tags.filter((t) => !keys.includes(t.Key));
      return {};
    },
  };

  /** Checks the SigV4 Authorization header's shape, region/service scope and access key id. */
  const checkAuth = (req: IncomingMessage): void => {
    const header = req.headers.authorization;
    if (typeof header !== "string" || header === "") {
      throw new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
    }
    if (!header.startsWith("AWS4-HMAC-SHA256 ")) {
      throw new AwsError(
        "IncompleteSignatureException",
        "Authorization header requires the AWS4-HMAC-SHA256 algorithm.",
      );
    }
    const m = AUTH_HEADER.exec(header);
    if (!m) {
      throw new AwsError(
        "IncompleteSignatureException",
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
      );
    }
    const [, accessKeyId = "", date = "", scopeRegion = "", service = "", signedHeaders = ""] = m;
    const amzDate = req.headers["x-amz-date"];
    if (typeof amzDate !== "string" || !/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date)) {
      throw new AwsError(
        "IncompleteSignatureException",
        "X-Amz-Date is missing or does not match the credential scope date.",
      );
    }
    if (!signedHeaders.split(";").includes("host")) {
      throw new AwsError("IncompleteSignatureException", "The host header must be signed.");
    }
    if (service !== "secretsmanager") {
      throw new AwsError(
        "InvalidSignatureException",
        `Credential should be scoped to correct service: 'secretsmanager'.`,
      );
    }
    if (scopeRegion !== region) {
      throw new AwsError(
        "InvalidSignatureException",
        `Credential should be scoped to a valid region, not '${scopeRegion}'.`,
      );
    }
    if (allowedKeys && !allowedKeys.has(accessKeyId)) {
      throw new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.");
    }
  };

  const sendError = (res: ServerResponse, requestId: string, err: AwsError): void => {
    sendJson(
      res,
      err.status,
      { __type: err.type, Message: err.message },
      {
        "content-type": JSON_11,
        "x-amzn-requestid": requestId,
      },
    );
  };

  const handler: SimHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const controlled = await handleSimControl(req, res, url.pathname, {
      counters: () => counters.snapshot(),
      faults: () => faults.snapshot(),
      applyFaults: (b) => faults.applyJson(b),
      reset,
    });
    if (controlled) return;

    const requestId = randomUUID();
    const target = req.headers["x-amz-target"];
    const op =
      typeof target === "string" && target.startsWith("secretsmanager.")
        ? target.slice("secretsmanager.".length)
        : undefined;
    const known =
      op !== undefined && (secretsOperations as readonly string[]).includes(op) ? (op as SecretsOperation) : undefined;
    const ep: SecretsEndpoint = known ?? "other";
    counters.received(ep);

    const fail = (err: AwsError, reason: string): void => {
      counters.rejected(ep, reason);
      sendError(res, requestId, err);
    };

    if (req.method !== "POST" || url.pathname !== "/") {
      fail(new AwsError("UnknownOperationException", "Only POST / is supported.", 404), "bad_path");
      return;
    }
    if (!known) {
      fail(
        new AwsError(
          "UnknownOperationException",
          `Unknown operation ${typeof target === "string" ? target : "(missing X-Amz-Target)"}`,
        ),
        "unknown_operation",
      );
      return;
    }

    await delay(faults.delayMs(ep), req);
    const pre = faults.preflight(ep);
    if (pre.kind === "timeout") {
      counters.rejected(ep, "fault_timeout");
      await hang(req, res, pre.hangMs);
      return;
    }

    try {
      checkAuth(req);
    } catch (err) {
      if (err instanceof AwsError) return fail(err, "auth");
      throw err;
    }
    if (faults.take(ep, "throttleNext"))
      return fail(new AwsError("ThrottlingException", "Rate exceeded"), "fault_throttle");
    if (pre.kind === "fail") {
      return fail(
        new AwsError("InternalServiceError", "An error occurred on the server side.", pre.status),
        "fault_fail",
      );
    }
    if (faults.take(ep, "denyNext")) {
      return fail(
        new AwsError(
          "AccessDeniedException",
          `User: arn:aws:iam::${accountId}:user/simulator is not authorized to perform: secretsmanager:${known} because no identity-based policy allows the secretsmanager:${known} action`,
        ),
        "fault_deny",
      );
    }
    if (!hasContentType(req, JSON_11)) {
      return fail(new AwsError("SerializationException", `Content-Type must be ${JSON_11}.`, 400), "content_type");
    }
    const body = await readJson(req, 1024 * 1024);
    if (!body.ok || !isRecord(body.value)) {
      return fail(new AwsError("SerializationException", "The request body is not a JSON object."), "body");
    }
    const input = body.value;
    for (const [field, expected] of Object.entries(shapes[known])) {
      const actual = typeOf(input[field]);
      if (input[field] !== undefined && actual !== expected && actual !== "null") {
        return fail(new AwsError("SerializationException", `${field} must be a ${expected}.`), "serialization");
      }
    }
    // JSON null means "absent" on the wire.
    for (const [k, v] of Object.entries(input)) if (v === null) delete input[k];

    let output: Record<string, unknown>;
    try {
      output = ops[known](input);
    } catch (err) {
      if (err instanceof AwsError) return fail(err, err.type);
      throw err;
    }
    if (faults.take(ep, "failAfterCommitNext")) {
      return fail(
        new AwsError("InternalServiceError", "An error occurred on the server side.", 500),
        "fault_fail_after_commit",
      );
    }
    if (faults.take(ep, "malformedNext")) {
      counters.rejected(ep, "fault_malformed");
      sendText(res, 200, "<html><body>Service Unavailable</body></html>", JSON_11, { "x-amzn-requestid": requestId });
      return;
    }
    counters.succeeded(ep);
    sendJson(res, 200, output, { "content-type": JSON_11, "x-amzn-requestid": requestId });
  };

  return {
    handler,
    state,
    counters,
    faults,
    region,
    accountId,
    setFaults: (patch, operation) => faults.set(patch, operation),
    reset,
    currentValue: (name) =>
      state.secrets.get(name)?.versions.find((v) => v.stages.includes("AWSCURRENT"))?.secretString,
  };
}

type ListFilter = { key: string; values: string[] };
const FILTER_KEYS = new Set(["name", "description", "tag-key", "tag-value", "primary-region", "owning-service", "all"]);

function parseFilters(raw: unknown): ListFilter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > 10)
    throw new AwsError("InvalidParameterException", "Filters must be a list of at most 10 filters.");
  return raw.map((f: unknown) => {
    if (!isRecord(f) || typeof f.Key !== "string" || !FILTER_KEYS.has(f.Key)) {
      throw new AwsError(
        "InvalidParameterException",
        "Filter Key must be one of name, description, tag-key, tag-value, primary-region, owning-service, all.",
      );
    }
    const values = f.Values;
    if (
      !Array.isArray(values) ||
      values.length < 1 ||
      values.length > 10 ||
      !values.every((v) => typeof v === "string" && v.length >= 1 && v.length <= 512)
    ) {
      throw new AwsError("InvalidParameterException", "Filter Values must list 1 to 10 non-empty strings.");
    }
    return { key: f.Key, values: values as string[] };
  });
}

function matchesFilter(s: SecretRecord, f: ListFilter): boolean {
  const positives = f.values.filter((v) => !v.startsWith("!"));
  const negatives = f.values.filter((v) => v.startsWith("!")).map((v) => v.slice(1));
  const fieldValues = (): Array<{ value: string; caseSensitive: boolean }> => {
    switch (f.key) {
      case "name":
        return [{ value: s.name, caseSensitive: false }];
      case "description":
        return s.description !== undefined ? [{ value: s.description, caseSensitive: false }] : [];
      case "tag-key":
        return s.tags.map((t) => ({ value: t.Key, caseSensitive: true }));
      case "tag-value":
        return s.tags.map((t) => ({ value: t.Value, caseSensitive: true }));
      case "all":
        return [
          { value: s.name, caseSensitive: false },
          ...(s.description !== undefined ? [{ value: s.description, caseSensitive: false }] : []),
          ...s.tags.flatMap((t) => [
            { value: t.Key, caseSensitive: false },
            { value: t.Value, caseSensitive: false },
          ]),
        ];
      default:
        return [];
    }
  };
  const candidates = fieldValues();
  const hit = (prefix: string): boolean =>
    candidates.some((c) =>
      c.caseSensitive ? c.value.startsWith(prefix) : c.value.toLowerCase().startsWith(prefix.toLowerCase()),
    );
  if (negatives.some(hit)) return false;
  return positives.length === 0 || positives.some(hit);
}

export async function startSecretsManagerSimulator(
  opts: SecretsManagerSimulatorOptions = {},
): Promise<StartedSecretsManagerSimulator> {
  const sim = createSecretsManagerSimulator(opts);
  const server = await startHttpServer(sim.handler, opts.port === undefined ? {} : { port: opts.port });
  return { ...sim, url: server.url, close: server.close };
}
