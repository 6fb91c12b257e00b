// DescribeSecret, DeleteSecret (recovery window or forced) and RestoreSecret.
import { AwsError, DAY_MS, MARKED_FOR_DELETION, epoch, requireString } from "../protocol";
import { secretDescription, versionMap } from "../store";
import type { OperationContext, Operations } from "./context";

export function lifecycleOperations(
  ctx: OperationContext,
): Operations<"DescribeSecret" | "DeleteSecret" | "RestoreSecret"> {
  return {
    DescribeSecret(body) {
      const secret = ctx.store.find(requireString(body, "SecretId"));
      return { ...secretDescription(secret), VersionIdsToStages: versionMap(secret) };
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
      const secret = ctx.store.find(secretId);
      const t = ctx.now();
      if (force) {
        ctx.store.secrets.delete(secret.name);
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
      const secret = ctx.store.find(requireString(body, "SecretId"));
      delete secret.deletedDate;
      delete secret.deletionDate;
      return { ARN: secret.arn, Name: secret.name };
    },
  };
}
