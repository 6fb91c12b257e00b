// A staff-entered client secret whose process died after the seal, before the store answered: recovery
// stores it and points the connection at it, as the interrupted create would have.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { registerBackgroundWork } from "@/lib/server/start";
import { db } from "@/lib/db/client";
import {
  connectionSecretName,
  retryPendingSecret,
  secretStore,
  storeSecretDurably,
  type SecretStore,
} from "@/lib/secrets";
import { testSecret } from "@/tests/support/connections/fixtures";

beforeAll(async () => {
  registerBackgroundWork(); // the completion hook, as every process registers it at start
});

describe("a connection secret sealed by a process that died", () => {
  it("is stored by recovery and the connection points at it", async () => {
    const id = randomUUID();
    const value = testSecret("recovered-client-secret");
    let entered!: () => void;
    const inStore = new Promise<void>((resolve) => (entered = resolve));
    const dying: SecretStore = { ...secretStore(), put: () => (entered(), new Promise(() => undefined)) };
    void storeSecretDurably(
      {
        input: {
          name: connectionSecretName(id),
          value,
          kind: "connection-secret",
          idempotencyKey: `connection-create:${id}`,
        },
        connectionId: id,
        context: { operation: "create", setBy: "ops@test.example" },
        onStoreFailure: "erase",
        onSealed: async (tx) => {
          await tx.connection.create({
            data: {
              id,
              name: `recovered-${id.slice(0, 6)}`,
              provider: "NOYO",
              environment: "SANDBOX",
              tokenUrl: "https://example.test/token",
              clientId: "c",
              createdBy: "test",
            },
          });
        },
      },
      { store: dying },
    );
    await inStore;
    expect((await db().connection.findUniqueOrThrow({ where: { id } })).secretVersionId).toBeNull();
    await db()
      .$executeRaw`UPDATE pending_secrets SET lease_owner = 'dead/1/x', lease_expires_at = now() - interval '1 second' WHERE connection_id = ${id}::uuid`;
    const pending = await db().pendingSecret.findFirstOrThrow({ where: { connectionId: id } });
    expect((await retryPendingSecret(pending.id)).status).toBe("stored");

    const connection = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(connection.secretName).toBe(connectionSecretName(id));
    expect(connection.secretSetBy).toBe("ops@test.example");
    expect(
      (await secretStore().get(connection.secretName ?? "", { versionId: connection.secretVersionId ?? "" })).value,
    ).toBe(value);
    const events = await db().connectionEvent.findMany({ where: { connectionId: id } });
    expect(events.map((e) => e.type)).toEqual(["secret_stored"]);
  });
});
