// TagResource and UntagResource.
import { AwsError, parseTags, requireString } from "../protocol";
import type { OperationContext, Operations } from "./context";

export function tagOperations(ctx: OperationContext): Operations<"TagResource" | "UntagResource"> {
  return {
    TagResource(body) {
      const secret = ctx.store.findLive(requireString(body, "SecretId"));
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
      const secret = ctx.store.findLive(requireString(body, "SecretId"));
      const keys = body.TagKeys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
        throw new AwsError("InvalidParameterException", "TagKeys must be a list of strings.");
      }
      secret.tags = secret.tags.filter((t) => !keys.includes(t.Key));
      return {};
    },
  };
}
