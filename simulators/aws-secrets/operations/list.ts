// ListSecrets: filters (name, description, tags, all; "!" negates), sort order and NextToken pages.
import { isRecord } from "../../http";
import { AwsError, isStringList, optionalString } from "../protocol";
import { secretDescription, versionMap, type SecretRecord } from "../store";
import type { OperationContext, Operations } from "./context";

export function listOperations(ctx: OperationContext): Operations<"ListSecrets"> {
  return {
    ListSecrets(body) {
      ctx.store.purge();
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
      const matching = [...ctx.store.secrets.values()]
        .filter((s) => includeDeleted || s.deletedDate === undefined)
        .filter((s) => filters.every((f) => matchesFilter(s, f)))
        .sort((a, b) => (sortOrder === "asc" ? a.createdDate - b.createdDate : b.createdDate - a.createdDate));
      const page = matching.slice(offset, offset + max);
      const more = offset + max < matching.length;
      return {
        SecretList: page.map((s) => ({ ...secretDescription(s), SecretVersionsToStages: versionMap(s) })),
        ...(more
          ? { NextToken: Buffer.from(JSON.stringify({ o: offset + max, f: fingerprint })).toString("base64url") }
          : {}),
      };
    },
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
    if (!isStringList(values, 1, 10, 512)) {
      throw new AwsError("InvalidParameterException", "Filter Values must list 1 to 10 non-empty strings.");
    }
    return { key: f.Key, values };
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
