import "server-only";
// The `aws` backend: AWS Secrets Manager through the SDK. Region, credentials and the endpoint
// (AWS_REGION, the credential chain, AWS_ENDPOINT_URL_SECRETS_MANAGER) are the SDK's own; only the KMS
// key comes from our configuration. Transient failures (throttling, 5xx, network) are retried by the
// SDK's standard strategy a bounded number of times; then the error is mapped to a SecretStoreError.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  type SecretsManagerClientConfig,
} from "@aws-sdk/client-secrets-manager";
import { requestToken, storeTags } from "./shared";
import { SecretStoreError, type PutSecretInput, type SecretMetadata, type SecretRef, type SecretStore } from "./types";

export type AwsSecretStoreOptions = {
  /** SECRETS_KMS_KEY_ID: the customer-managed KMS key for new secrets (default: aws/secretsmanager). */
  kmsKeyId?: string;
  /** Total attempts per call, first included (default 4). */
  maxAttempts?: number;
  /** Extra client configuration (tests); region/credentials/endpoint otherwise come from the SDK's chain. */
  clientConfig?: SecretsManagerClientConfig;
  /** Name looked up by probe(): "not found" there means the store answers. */
  probeName?: string;
};

function errorName(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; code?: unknown; __type?: unknown };
    if (typeof e.name === "string" && e.name !== "Error") return e.name;
    if (typeof e.code === "string") return e.code;
  }
  return "Error";
}

function httpStatus(error: unknown): number | undefined {
  if (error && typeof error === "object" && "$metadata" in error) {
    const meta = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
    return typeof meta?.httpStatusCode === "number" ? meta.httpStatusCode : undefined;
  }
  return undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
  "AbortError",
]);

/** Maps an SDK error to a SecretStoreError whose message says what to do (never the value). */
export function mapAwsError(action: string, name: string, error: unknown): SecretStoreError {
  if (error instanceof SecretStoreError) return error;
  const type = errorName(error);
  const status = httpStatus(error);
  const cause = { cause: error };
  switch (type) {
    case "AccessDeniedException":
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
    case "IncompleteSignatureException":
    case "MissingAuthenticationTokenException":
    case "ExpiredTokenException":
    case "CredentialsProviderError":
      return new SecretStoreError(
        "access-denied",
        `Secrets Manager refused ${action} on ${name} (${type}): the app's IAM role may not have secretsmanager:${action} on this secret` +
          `${type === "AccessDeniedException" ? " (or kms:GenerateDataKey/kms:Decrypt on its KMS key)" : ", or the AWS credentials are missing or invalid"}`,
        cause,
      );
    case "ResourceNotFoundException":
      return new SecretStoreError("not-found", `Secrets Manager has no secret ${name}`, cause);
    case "ThrottlingException":
    case "Throttling":
    case "TooManyRequestsException":
    case "RequestLimitExceeded":
    case "LimitExceededException":
      return new SecretStoreError(
        "throttled",
        `Secrets Manager throttled ${action} on ${name} after several retries; try again later`,
        cause,
      );
    case "InvalidRequestException":
    case "InvalidParameterException":
    case "ResourceExistsException":
    case "MalformedPolicyDocumentException":
    case "PreconditionNotMetException":
      return new SecretStoreError(
        "invalid",
        `Secrets Manager rejected ${action} on ${name} (${type}): ${safeMessage(error)}`,
        cause,
      );
    case "EncryptionFailure":
    case "DecryptionFailure":
      return new SecretStoreError(
        "access-denied",
        `Secrets Manager could not use the KMS key for ${name} (${type}): check SECRETS_KMS_KEY_ID and that the app's role may use the key (kms:GenerateDataKey, kms:Decrypt)`,
        cause,
      );
  }
  if (NETWORK_CODES.has(type) || status === undefined || status >= 500 || type === "InternalServiceError") {
    return new SecretStoreError(
      "unreachable",
      `Secrets Manager did not accept ${action} on ${name} (${type}${status ? `, HTTP ${status}` : ""}) after several attempts: the service is unreachable or failing`,
      cause,
    );
  }
  return new SecretStoreError(
    "unknown",
    `Secrets Manager failed ${action} on ${name} (${type}${status ? `, HTTP ${status}` : ""})`,
    cause,
  );
}

// AWS error messages name resources and actions, never secret values; keep them short anyway.
function safeMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WINDOW_TAG = "deletion-recovery-days";

function windowDays(tags: { Key?: string; Value?: string }[] | undefined): number {
  const days = Number(tags?.find((t) => t.Key === WINDOW_TAG)?.Value);
  return Number.isInteger(days) && days >= 7 && days <= 30 ? days : 30; // 30: AWS's default window
}

export function createAwsSecretStore(opts: AwsSecretStoreOptions = {}): SecretStore {
  let client: SecretsManagerClient | undefined;
  const sm = () => {
    client ??= new SecretsManagerClient({
      maxAttempts: opts.maxAttempts ?? 4,
      retryMode: "standard",
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
      ...opts.clientConfig,
    });
    return client;
  };

  async function call<T>(action: string, name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw mapAwsError(action, name, error);
    }
  }

  async function put(input: PutSecretInput): Promise<SecretRef> {
    const token = requestToken(input.idempotencyKey);
    const tags = storeTags(input.kind, input.tags);
    const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    try {
      const out = await sm().send(
        new CreateSecretCommand({
          Name: input.name,
          SecretString: input.value,
          ClientRequestToken: token,
          Tags: tagList,
          ...(opts.kmsKeyId ? { KmsKeyId: opts.kmsKeyId } : {}),
          ...(input.description ? { Description: input.description } : {}),
        }),
      );
      if (!out.ARN || !out.VersionId)
        throw new SecretStoreError(
          "unknown",
          `Secrets Manager answered CreateSecret on ${input.name} without ARN or version`,
        );
      return { name: input.name, arn: out.ARN, versionId: out.VersionId };
    } catch (error) {
      if (errorName(error) !== "ResourceExistsException") throw mapAwsError("CreateSecret", input.name, error);
    }
    // The secret exists: add a version (the same token again is the same version, not a new one).
    const out = await call("PutSecretValue", input.name, () =>
      sm().send(
        new PutSecretValueCommand({ SecretId: input.name, SecretString: input.value, ClientRequestToken: token }),
      ),
    );
    if (!out.ARN || !out.VersionId)
      throw new SecretStoreError(
        "unknown",
        `Secrets Manager answered PutSecretValue on ${input.name} without ARN or version`,
      );
    try {
      await sm().send(new TagResourceCommand({ SecretId: input.name, Tags: tagList }));
    } catch {
      // The value is stored; stale tags are not worth failing (and re-sealing) the write for.
    }
    return { name: input.name, arn: out.ARN, versionId: out.VersionId };
  }

  async function get(name: string, getOpts: { versionId?: string } = {}) {
    const out = await call("GetSecretValue", name, () =>
      sm().send(
        new GetSecretValueCommand({ SecretId: name, ...(getOpts.versionId ? { VersionId: getOpts.versionId } : {}) }),
      ),
    );
    if (out.SecretString === undefined || !out.VersionId) {
      throw new SecretStoreError("invalid", `the secret ${name} holds no string value`);
    }
    return { value: out.SecretString, versionId: out.VersionId };
  }

  async function describe(name: string): Promise<SecretMetadata> {
    const out = await call("DescribeSecret", name, () => sm().send(new DescribeSecretCommand({ SecretId: name })));
    return {
      name: out.Name ?? name,
      arn: out.ARN ?? "",
      createdAt: out.CreatedDate ?? null,
      lastChangedAt: out.LastChangedDate ?? null,
      // AWS gives when deletion was requested; the purge follows after the recovery window we tagged.
      deletionScheduledFor: out.DeletedDate
        ? new Date(out.DeletedDate.getTime() + windowDays(out.Tags) * DAY_MS)
        : null,
      tags: Object.fromEntries((out.Tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? ""]] : []))),
      versions: Object.fromEntries(Object.entries(out.VersionIdsToStages ?? {}).map(([v, stages]) => [v, [...stages]])),
    };
  }

  async function scheduleDeletion(name: string, delOpts: { recoveryWindowDays?: number } = {}) {
    const days = delOpts.recoveryWindowDays ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw new SecretStoreError("invalid", "the recovery window must be 7 to 30 days");
    }
    try {
      // Remembered on the secret: DescribeSecret reports only when deletion was requested.
      await sm()
        .send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: WINDOW_TAG, Value: String(days) }] }))
        .catch(() => undefined);
      const out = await sm().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days }));
      return { deletionDate: out.DeletionDate ?? new Date(Date.now() + days * DAY_MS) };
    } catch (error) {
      const mapped = mapAwsError("DeleteSecret", name, error);
      // Already scheduled: the date it was given then (like the local backend).
      if (mapped.kind === "invalid" && /marked for deletion/i.test(mapped.message)) {
        const meta = await describe(name);
        if (meta.deletionScheduledFor) return { deletionDate: meta.deletionScheduledFor };
      }
      throw mapped;
    }
  }

  async function probe() {
    const name = opts.probeName ?? "seller-onboarding/health-probe";
    try {
      await sm().send(new DescribeSecretCommand({ SecretId: name }));
    } catch (error) {
      // "No such secret" is an answer: the service is reachable and lets us ask.
      if (errorName(error) === "ResourceNotFoundException") return;
      throw mapAwsError("DescribeSecret", name, error);
    }
  }

  return { backend: "aws", put, get, describe, scheduleDeletion, probe };
}
