// The simulator's secrets: records and their versions, the recovery window's purge, lookups by name or
// ARN, and AWS's staging-label moves (AWSCURRENT → AWSPREVIOUS).
import { AwsError, MARKED_FOR_DELETION, NOT_FOUND, epoch } from "./protocol";

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

/** Deprecated (unlabelled) versions kept per secret before the oldest are removed. */
const MAX_VERSIONS = 100;

export class SecretsStore {
  readonly state: SecretsManagerSimulatorState = { secrets: new Map() };

  constructor(private readonly now: () => number) {}

  get secrets(): Map<string, SecretRecord> {
    return this.state.secrets;
  }

  clear(): void {
    this.state.secrets.clear();
  }

  /** Purges secrets whose recovery window has passed. */
  purge(): void {
    const t = this.now();
    for (const [name, s] of this.state.secrets) {
      if (s.deletionDate !== undefined && s.deletionDate <= t) this.state.secrets.delete(name);
    }
  }

  /** Finds a secret by name, full ARN, or partial ARN (without the random suffix). */
  find(secretId: string): SecretRecord {
    this.purge();
    const byName = this.state.secrets.get(secretId);
    if (byName) return byName;
    if (secretId.startsWith("arn:")) {
      for (const s of this.state.secrets.values()) {
        if (s.arn === secretId || s.arn.slice(0, -7) === secretId) return s;
      }
    }
    throw new AwsError("ResourceNotFoundException", NOT_FOUND);
  }

  /** Like find, refusing a secret scheduled for deletion. */
  findLive(secretId: string): SecretRecord {
    const s = this.find(secretId);
    if (s.deletedDate !== undefined) throw new AwsError("InvalidRequestException", MARKED_FOR_DELETION);
    return s;
  }

  /** The AWSCURRENT string value of a secret (by name); undefined when none. */
  currentValue(name: string): string | undefined {
    return this.state.secrets.get(name)?.versions.find((v) => v.stages.includes("AWSCURRENT"))?.secretString;
  }
}

/** Attaches `stages` to `version`, moving them off other versions (AWSCURRENT → AWSPREVIOUS). */
export function moveStages(secret: SecretRecord, version: SecretVersion, stages: readonly string[]): void {
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
}

/** Labelled versions by id, as DescribeSecret and ListSecrets show them. */
export function versionMap(secret: SecretRecord): Record<string, string[]> {
  return Object.fromEntries(
    secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]]),
  );
}

/** What DescribeSecret and each ListSecrets entry say of a secret, without its versions' map. */
export function secretDescription(s: SecretRecord): Record<string, unknown> {
  return {
    ARN: s.arn,
    Name: s.name,
    ...(s.description !== undefined ? { Description: s.description } : {}),
    ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
    LastChangedDate: epoch(s.lastChangedDate),
    ...(s.lastAccessedDate !== undefined ? { LastAccessedDate: epoch(s.lastAccessedDate) } : {}),
    ...(s.deletedDate !== undefined ? { DeletedDate: epoch(s.deletedDate) } : {}),
    ...(s.tags.length > 0 ? { Tags: s.tags.map((t) => ({ ...t })) } : {}),
    CreatedDate: epoch(s.createdDate),
  };
}
