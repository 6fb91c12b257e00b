import "server-only";
// The `local` backend: secrets in PostgreSQL (local_secrets / local_secret_versions), each version sealed
// with a key derived from SECRETS_LOCAL_KEY and bound to the secret's name and version (./seal.ts). It mirrors what the app uses of Secrets Manager:
// versions staged AWSCURRENT / AWSPREVIOUS, idempotent puts, and deletion after a recovery window.
import { randomBytes } from "node:crypto";
import { db as defaultDb, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { requestToken, storeTags } from "./shared";
import { configKeyring, localSecretContext, sealWith, unsealWith, UnsealError, type Keyring } from "./seal";
import { SecretStoreError, type PutSecretInput, type SecretMetadata, type SecretRef, type SecretStore } from "./types";

export type LocalSecretStoreOptions = {
  /** Defaults to the app's client. */
  db?: Db;
  /** Defaults to SECRETS_LOCAL_KEY (+ SECRETS_LOCAL_KEY_PREVIOUS). */
  keyring?: Keyring;
};

const CURRENT = "AWSCURRENT";
const PREVIOUS = "AWSPREVIOUS";

function tagsOf(json: Prisma.JsonValue | null): Record<string, string> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function notFound(name: string): SecretStoreError {
  return new SecretStoreError("not-found", `the local secret store has no secret ${name}`);
}

function wrap(action: string, name: string, error: unknown): SecretStoreError {
  if (error instanceof SecretStoreError) return error;
  if (error instanceof UnsealError)
    return new SecretStoreError("invalid", `${action} ${name}: ${error.message}`, { cause: error });
  // Database errors: the store is unreachable for this call (the message may carry query details: cause only).
  return new SecretStoreError("unreachable", `${action} ${name}: the local secret store (PostgreSQL) failed`, {
    cause: error,
  });
}

export function createLocalSecretStore(opts: LocalSecretStoreOptions = {}): SecretStore {
  const client = () => opts.db ?? defaultDb();
  const keyring = () => opts.keyring ?? configKeyring();

  /**
   * A new version in one statement: the secret (created, or its tags and description merged), the earlier
   * versions' stages moved on and the new version staged AWSCURRENT. It does nothing (undefined) unless that
   * is all there is to do: the version exists already (a retry), the secret is scheduled for deletion, or
   * another write changed the secret after this statement's snapshot (its row's xmin moved while we waited
   * for its lock, so the stages we would move are stale). `putInTransaction` then decides, row lock first.
   */
  async function putInOneStatement(input: PutSecretInput, versionId: string, tags: Record<string, string>) {
    const { sealed, keyId } = sealWith(keyring(), input.value, localSecretContext(input.name, versionId));
    const arn = `arn:local:secretsmanager:local:000000000000:secret:${input.name}-${randomBytes(3).toString("hex")}`;
    const description = input.description ?? null;
    const rows = await client().$queryRaw<SecretRef[]>`
      WITH seen AS (
        SELECT xmin::text AS row_version FROM local_secrets WHERE name = ${input.name}
      ), secret AS (
        INSERT INTO local_secrets AS s (name, arn, description, tags, created_at, updated_at)
        VALUES (${input.name}, ${arn}, ${description}, ${JSON.stringify(tags)}::jsonb, now(), now())
        ON CONFLICT (name) DO UPDATE
          SET tags = COALESCE(s.tags, '{}'::jsonb) || EXCLUDED.tags,
              description = COALESCE(NULLIF(${description}, ''), s.description),
              updated_at = now()
        WHERE s.xmin::text = (SELECT row_version FROM seen)
          AND s.deletion_scheduled_for IS NULL
          AND NOT EXISTS (SELECT 1 FROM local_secret_versions WHERE version_id = ${versionId})
        RETURNING s.name, s.arn
      ), moved AS (
        UPDATE local_secret_versions v
           SET stages = array_remove(array_remove(v.stages, ${CURRENT}), ${PREVIOUS})
                        || CASE WHEN ${CURRENT} = ANY(v.stages) THEN ARRAY[${PREVIOUS}] ELSE ARRAY[]::text[] END
          FROM secret
         WHERE v.secret_name = secret.name AND v.stages && ARRAY[${CURRENT}, ${PREVIOUS}]
      ), added AS (
        INSERT INTO local_secret_versions (version_id, secret_name, sealed, local_key_id, stages, created_at)
        SELECT ${versionId}, secret.name, ${new Uint8Array(sealed)}, ${keyId}, ARRAY[${CURRENT}], now() FROM secret
      )
      SELECT name, arn, ${versionId} AS "versionId" FROM secret`;
    return rows[0];
  }

  async function put(input: PutSecretInput): Promise<SecretRef> {
    const versionId = requestToken(input.idempotencyKey);
    const tags = storeTags(input.kind, input.tags);
    // Whatever the one statement did not do (or failed on) is decided under the row lock.
    const done = await putInOneStatement(input, versionId, tags).catch(() => undefined);
    return done ?? putInTransaction(input, versionId, tags);
  }

  /** The general write: the secret's row locked first, then each case decided on fresh reads. */
  async function putInTransaction(
    input: PutSecretInput,
    versionId: string,
    tags: Record<string, string>,
  ): Promise<SecretRef> {
    try {
      return await client().$transaction(async (tx) => {
        await tx.localSecret.createMany({
          data: [
            {
              name: input.name,
              arn: `arn:local:secretsmanager:local:000000000000:secret:${input.name}-${randomBytes(3).toString("hex")}`,
              description: input.description ?? null,
              tags,
            },
          ],
          skipDuplicates: true,
        });
        // One writer per secret at a time: stages move consistently.
        await tx.$queryRaw`SELECT name FROM local_secrets WHERE name = ${input.name} FOR UPDATE`;
        const secret = await tx.localSecret.findUniqueOrThrow({ where: { name: input.name } });
        if (secret.deletionScheduledFor) {
          throw new SecretStoreError(
            "invalid",
            `the secret ${input.name} is scheduled for deletion: restore it or use another name`,
          );
        }
        const existing = await tx.localSecretVersion.findUnique({ where: { versionId }, omit: { sealed: false } });
        if (existing) {
          if (existing.secretName !== input.name) {
            throw new SecretStoreError(
              "invalid",
              `the idempotency key of this write was already used for another secret than ${input.name}`,
            );
          }
          if (
            unsealWith(keyring(), existing.sealed, existing.localKeyId, localSecretContext(input.name, versionId)) !==
            input.value
          ) {
            throw new SecretStoreError(
              "invalid",
              `the idempotency key of this write was already used with another value for ${input.name}`,
            );
          }
          // The same write again (a retry): nothing changes.
          return { name: secret.name, arn: secret.arn, versionId };
        }
        const staged = await tx.localSecretVersion.findMany({
          where: { secretName: input.name, OR: [{ stages: { has: CURRENT } }, { stages: { has: PREVIOUS } }] },
        });
        for (const v of staged) {
          const kept = v.stages.filter((s) => s !== CURRENT && s !== PREVIOUS);
          if (v.stages.includes(CURRENT)) kept.push(PREVIOUS);
          await tx.localSecretVersion.update({ where: { versionId: v.versionId }, data: { stages: kept } });
        }
        const { sealed, keyId } = sealWith(keyring(), input.value, localSecretContext(input.name, versionId));
        await tx.localSecretVersion.create({
          data: {
            versionId,
            secretName: input.name,
            sealed: new Uint8Array(sealed),
            localKeyId: keyId,
            stages: [CURRENT],
          },
        });
        await tx.localSecret.update({
          where: { name: input.name },
          data: {
            tags: { ...tagsOf(secret.tags), ...tags },
            ...(input.description ? { description: input.description } : {}),
          },
        });
        return { name: secret.name, arn: secret.arn, versionId };
      });
    } catch (error) {
      throw wrap("storing", input.name, error);
    }
  }

  async function get(name: string, getOpts: { versionId?: string } = {}) {
    try {
      // Both reads at once (one round trip on the broker's cold path); the secret's own state is checked first.
      const [secret, version] = await Promise.all([
        client().localSecret.findUnique({ where: { name } }),
        client().localSecretVersion.findFirst({
          where: getOpts.versionId
            ? { secretName: name, versionId: getOpts.versionId }
            : { secretName: name, stages: { has: CURRENT } },
          omit: { sealed: false },
        }),
      ]);
      if (!secret) throw notFound(name);
      if (secret.deletionScheduledFor)
        throw new SecretStoreError("not-found", `the secret ${name} is scheduled for deletion`);
      if (!version)
        throw new SecretStoreError("not-found", `the secret ${name} has no version ${getOpts.versionId ?? CURRENT}`);
      return {
        value: unsealWith(keyring(), version.sealed, version.localKeyId, localSecretContext(name, version.versionId)),
        versionId: version.versionId,
      };
    } catch (error) {
      throw wrap("reading", name, error);
    }
  }

  async function describe(name: string): Promise<SecretMetadata> {
    try {
      const secret = await client().localSecret.findUnique({
        where: { name },
        include: { versions: { select: { versionId: true, stages: true }, orderBy: { createdAt: "asc" } } },
      });
      if (!secret) throw notFound(name);
      return {
        name: secret.name,
        arn: secret.arn,
        createdAt: secret.createdAt,
        lastChangedAt: secret.updatedAt,
        deletionScheduledFor: secret.deletionScheduledFor,
        tags: tagsOf(secret.tags),
        versions: Object.fromEntries(
          secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, v.stages]),
        ),
      };
    } catch (error) {
      throw wrap("describing", name, error);
    }
  }

  async function scheduleDeletion(name: string, delOpts: { recoveryWindowDays?: number } = {}) {
    const days = delOpts.recoveryWindowDays ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw new SecretStoreError("invalid", "the recovery window must be 7 to 30 days");
    }
    try {
      const secret = await client().localSecret.findUnique({ where: { name } });
      if (!secret) throw notFound(name);
      if (secret.deletionScheduledFor) return { deletionDate: secret.deletionScheduledFor };
      const deletionDate = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
      await client().localSecret.update({ where: { name }, data: { deletionScheduledFor: deletionDate } });
      return { deletionDate };
    } catch (error) {
      throw wrap("scheduling the deletion of", name, error);
    }
  }

  async function probe() {
    try {
      // The key opens what it seals, and the database answers (the tables themselves come with the migrations).
      const ring = keyring();
      const probe = localSecretContext("health-probe", "probe");
      const { sealed, keyId } = sealWith(ring, "probe", probe);
      if (unsealWith(ring, sealed, keyId, probe) !== "probe") throw new Error("the local key does not round-trip");
      await client().$queryRaw`SELECT 1`;
    } catch (error) {
      throw wrap("probing", "the local store", error);
    }
  }

  return { backend: "local", put, get, describe, scheduleDeletion, probe };
}
