// Test data for connections: rows with random names, secrets remembered for the secret scan.
import { randomUUID } from "node:crypto";
import { rememberSecret } from "@/tests/support/secret-scan";
import { createConnection, type Actor, type CreateConnectionInput } from "@/lib/connections/service";

export function testActor(): Actor {
  return { id: randomUUID(), email: `ops-${randomUUID().slice(0, 8)}@test.example`, ip: "127.0.0.1" };
}

export function testSecret(label = "secret"): string {
  const value = `${label}-${randomUUID()}`;
  rememberSecret(value);
  return value;
}

export async function createTestConnection(
  input: Omit<CreateConnectionInput, "name" | "environment"> & { name?: string },
): Promise<string> {
  const { id } = await createConnection(
    { name: `test-${randomUUID().slice(0, 8)}`, environment: "SANDBOX", ...input },
    testActor(),
  );
  return id;
}
