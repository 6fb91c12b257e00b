// CreateSecret, PutSecretValue and GetSecretValue: versions, idempotent ClientRequestTokens, staging labels.
import {
  AwsError,
  DAY_MS,
  NAME_PATTERN,
  clientToken,
  epoch,
  isStringList,
  optionalString,
  parseTags,
  parseValue,
  randomSuffix,
  requireString,
  sameValue,
} from "../protocol";
import { moveStages, type SecretRecord, type SecretVersion } from "../store";
import type { OperationContext, Operations } from "./context";

export function valueOperations(
  ctx: OperationContext,
): Operations<"CreateSecret" | "PutSecretValue" | "GetSecretValue"> {
  return {
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
      ctx.store.purge();
      const existing = ctx.store.secrets.get(name);
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
      const t = ctx.now();
      const secret: SecretRecord = {
        arn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${name}-${randomSuffix()}`,
        name,
        ...(description !== undefined ? { description } : {}),
        ...(optionalString(body, "KmsKeyId") !== undefined ? { kmsKeyId: optionalString(body, "KmsKeyId") } : {}),
        tags,
        createdDate: t,
        lastChangedDate: t,
        versions: [],
      };
      ctx.store.secrets.set(name, secret);
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
        if (!isStringList(raw, 1, 20, 256)) {
          throw new AwsError("InvalidParameterException", "VersionStages must list 1 to 20 staging labels.");
        }
        stages = [...new Set(raw)];
      }
      const secret = ctx.store.findLive(secretId);
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
      const t = ctx.now();
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
      const secret = ctx.store.findLive(secretId);
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
      const t = ctx.now();
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
  };
}
