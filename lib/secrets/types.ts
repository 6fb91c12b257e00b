// The one interface for everything that keeps a secret (seller keys, connection client secrets).

export type SecretKind = "seller-key" | "connection-secret" | "webhook-secret";

export interface SecretRef {
  /** Full name in the store, `${SECRETS_NAME_PREFIX}noon/sellers/{projectCode}/{keyId}` etc. */
  name: string;
  /** ARN (aws) or a local ARN-like id. */
  arn: string;
  versionId: string;
}

export interface SecretMetadata {
  name: string;
  arn: string;
  createdAt: Date | null;
  lastChangedAt: Date | null;
  deletionScheduledFor: Date | null;
  tags: Record<string, string>;
  /** versionId → stages (AWSCURRENT, AWSPREVIOUS, …) */
  versions: Record<string, string[]>;
}

export interface PutSecretInput {
  name: string;
  value: string;
  kind: SecretKind;
  /** Tags (application and kind are added by the store): e.g. { seller: id } or { connection: id }. */
  tags?: Record<string, string>;
  /**
   * Identifies this write: a retried put with the same token makes no second version (AWS ClientRequestToken).
   * Derive it from the write (e.g. the authorization id), not randomly per attempt.
   */
  idempotencyKey: string;
  description?: string;
}

export type SecretStoreErrorKind = "access-denied" | "not-found" | "throttled" | "unreachable" | "invalid" | "unknown";

export class SecretStoreError extends Error {
  constructor(
    readonly kind: SecretStoreErrorKind,
    /** Safe for logs and pages: never contains the value. */
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts);
    this.name = "SecretStoreError";
  }
}

export interface SecretStore {
  readonly backend: "aws" | "local";
  /** Creates the secret or adds a new current version. Idempotent per idempotencyKey. */
  put(input: PutSecretInput): Promise<SecretRef>;
  /** The current value, or a given version's. */
  get(name: string, opts?: { versionId?: string }): Promise<{ value: string; versionId: string }>;
  /** Metadata only, never the value. */
  describe(name: string): Promise<SecretMetadata>;
  /** Schedules deletion (recovery window in days, 7–30). */
  scheduleDeletion(name: string, opts?: { recoveryWindowDays?: number }): Promise<{ deletionDate: Date }>;
  /** For /api/health: resolves when the store answers. */
  probe(): Promise<void>;
}
