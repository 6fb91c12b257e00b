import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  type SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSecretsManagerSimulator, type StartedSecretsManagerSimulator } from "./index";

const ACCESS_KEY = "AKIDSIMULATOR0000001";
let clock = Date.now();
let sim: StartedSecretsManagerSimulator;
let client: SecretsManagerClient;

function makeClient(
  overrides: Partial<ConstructorParameters<typeof SecretsManagerClient>[0]> = {},
): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: sim.url,
    region: "us-east-1",
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: "simulator-secret-access-key" },
    ...overrides,
  });
}

beforeAll(async () => {
  sim = await startSecretsManagerSimulator({ allowedAccessKeyIds: [ACCESS_KEY], now: () => clock });
  client = makeClient();
});
afterAll(async () => {
  client.destroy();
  await sim.close();
});
beforeEach(() => {
  clock = Date.now();
  sim.reset();
});

async function awsError(promise: Promise<unknown>): Promise<SecretsManagerServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as SecretsManagerServiceException;
  }
  throw new Error("expected the call to fail");
}

const name = (): string => `seller-onboarding/test/${randomUUID()}`;

describe("Secrets Manager simulator with the real AWS SDK", () => {
  it("creates, reads, describes, updates and lists secrets", async () => {
    const n = name();
    const created = await client.send(
      new CreateSecretCommand({
        Name: n,
        SecretString: '{"k":"v1"}',
        Description: "seller key",
        KmsKeyId: "alias/seller-keys",
        Tags: [{ Key: "app", Value: "seller-onboarding" }],
      }),
    );
    expect(created.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:${n}-[A-Za-z0-9]{6}$`),
    );
    expect(created.Name).toBe(n);
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const byName = await client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(byName.SecretString).toBe('{"k":"v1"}');
    expect(byName.VersionStages).toEqual(["AWSCURRENT"]);
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.VersionId).toBe(created.VersionId);

    const put = await client.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: '{"k":"v2"}' }));
    expect(put.VersionStages).toEqual(["AWSCURRENT"]);
    expect((await client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe('{"k":"v2"}');
    const previous = await client.send(new GetSecretValueCommand({ SecretId: n, VersionStage: "AWSPREVIOUS" }));
    expect(previous.SecretString).toBe('{"k":"v1"}');
    const byVersion = await client.send(new GetSecretValueCommand({ SecretId: n, VersionId: created.VersionId }));
    expect(byVersion.SecretString).toBe('{"k":"v1"}');

    const third = await client.send(new PutSecretValueCommand({ SecretId: n, SecretString: '{"k":"v3"}' }));
    const described = await client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(described).not.toHaveProperty("SecretString");
    expect(described.Description).toBe("seller key");
    expect(described.KmsKeyId).toBe("alias/seller-keys");
    expect(described.Tags).toEqual([{ Key: "app", Value: "seller-onboarding" }]);
    expect(described.DeletedDate).toBeUndefined();
    // v1 is deprecated (no labels), v2 is AWSPREVIOUS, v3 AWSCURRENT.
    expect(described.VersionIdsToStages).toEqual({
      [put.VersionId ?? ""]: ["AWSPREVIOUS"],
      [third.VersionId ?? ""]: ["AWSCURRENT"],
    });

    await client.send(
      new TagResourceCommand({
        SecretId: n,
        Tags: [
          { Key: "seller", Value: "s-1" },
          { Key: "app", Value: "x" },
        ],
      }),
    );
    const tagged = await client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(tagged.Tags).toEqual([
      { Key: "app", Value: "x" },
      { Key: "seller", Value: "s-1" },
    ]);

    await client.send(new CreateSecretCommand({ Name: "other/unrelated", SecretString: "x" }));
    const listed = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: "name", Values: ["seller-onboarding/"] }] }),
    );
    expect(listed.SecretList?.map((s) => s.Name)).toEqual([n]);
    expect(listed.SecretList?.[0]?.SecretVersionsToStages).toEqual(described.VersionIdsToStages);
  });

  it("stores binary secrets", async () => {
    const n = name();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.send(new CreateSecretCommand({ Name: n, SecretBinary: bytes }));
    const got = await client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(got.SecretString).toBeUndefined();
    expect(Buffer.from(got.SecretBinary ?? new Uint8Array()).equals(Buffer.from(bytes))).toBe(true);
  });

  it("honours ClientRequestToken idempotency like AWS", async () => {
    const n = name();
    const token = randomUUID();
    const first = await client.send(new CreateSecretCommand({ Name: n, SecretString: "a", ClientRequestToken: token }));
    expect(first.VersionId).toBe(token);
    const again = await client.send(new CreateSecretCommand({ Name: n, SecretString: "a", ClientRequestToken: token }));
    expect(again).toMatchObject({ ARN: first.ARN, VersionId: token });
    expect(
      (await awsError(client.send(new CreateSecretCommand({ Name: n, SecretString: "b", ClientRequestToken: token }))))
        .name,
    ).toBe("ResourceExistsException");
    expect((await awsError(client.send(new CreateSecretCommand({ Name: n, SecretString: "a" })))).name).toBe(
      "ResourceExistsException",
    );

    const putToken = randomUUID();
    const p1 = await client.send(
      new PutSecretValueCommand({ SecretId: n, SecretString: "c", ClientRequestToken: putToken }),
    );
    const p2 = await client.send(
      new PutSecretValueCommand({ SecretId: n, SecretString: "c", ClientRequestToken: putToken }),
    );
    expect(p2.VersionId).toBe(p1.VersionId);
    expect(p2.VersionStages).toEqual(["AWSCURRENT"]);
    const conflict = await awsError(
      client.send(new PutSecretValueCommand({ SecretId: n, SecretString: "d", ClientRequestToken: putToken })),
    );
    expect(conflict.name).toBe("ResourceExistsException");
    expect(sim.state.secrets.get(n)?.versions).toHaveLength(2);
    // AWSPREVIOUS stayed on the first version: the repeated put moved nothing.
    const d = await client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(d.VersionIdsToStages).toEqual({ [token]: ["AWSPREVIOUS"], [putToken]: ["AWSCURRENT"] });
  });

  it("SDK retries after a lost answer reuse the token and create exactly one version", async () => {
    const n = name();
    sim.setFaults({ failAfterCommitNext: 1 }, "CreateSecret");
    const created = await client.send(new CreateSecretCommand({ Name: n, SecretString: "v1" }));
    expect(created.$metadata.attempts).toBe(2);
    expect(sim.counters.get("CreateSecret")).toMatchObject({
      received: 2,
      succeeded: 1,
      rejected: { fault_fail_after_commit: 1 },
    });
    expect(sim.state.secrets.get(n)?.versions).toHaveLength(1);

    sim.setFaults({ failAfterCommitNext: 1 }, "PutSecretValue");
    const put = await client.send(new PutSecretValueCommand({ SecretId: n, SecretString: "v2" }));
    expect(put.$metadata.attempts).toBe(2);
    expect(sim.state.secrets.get(n)?.versions).toHaveLength(2);
    expect(sim.currentValue(n)).toBe("v2");
  });

  it("surfaces AWS errors with the right names", async () => {
    const missing = await awsError(client.send(new GetSecretValueCommand({ SecretId: "does/not/exist" })));
    expect(missing.name).toBe("ResourceNotFoundException");
    expect(missing.message).toBe("Secrets Manager can't find the specified secret.");
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(missing.$fault).toBe("client");

    const both = await awsError(
      client.send(new CreateSecretCommand({ Name: name(), SecretString: "a", SecretBinary: new Uint8Array([1]) })),
    );
    expect(both.name).toBe("InvalidParameterException");
    const badName = await awsError(client.send(new CreateSecretCommand({ Name: "bad name!", SecretString: "a" })));
    expect(badName.name).toBe("InvalidParameterException");

    const n = name();
    await client.send(new CreateSecretCommand({ Name: n }));
    const noValue = await awsError(client.send(new GetSecretValueCommand({ SecretId: n })));
    expect(noValue.name).toBe("ResourceNotFoundException");

    const badToken = await awsError(client.send(new ListSecretsCommand({ NextToken: "garbage" })));
    expect(badToken.name).toBe("InvalidNextTokenException");
  });

  it("schedules deletion, refuses reads of deleted secrets, restores and force-deletes", async () => {
    const n = name();
    await client.send(new CreateSecretCommand({ Name: n, SecretString: "x" }));
    const outOfRange = await awsError(client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 6 })));
    expect(outOfRange.name).toBe("InvalidParameterException");
    const both = await awsError(
      client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })),
    );
    expect(both.name).toBe("InvalidParameterException");

    const deleted = await client.send(new DeleteSecretCommand({ SecretId: n, RecoveryWindowInDays: 7 }));
    expect(deleted.DeletionDate?.getTime()).toBe(Math.round(clock + 7 * 86_400_000));
    expect((await awsError(client.send(new GetSecretValueCommand({ SecretId: n })))).name).toBe(
      "InvalidRequestException",
    );
    expect((await awsError(client.send(new PutSecretValueCommand({ SecretId: n, SecretString: "y" })))).name).toBe(
      "InvalidRequestException",
    );
    expect((await awsError(client.send(new CreateSecretCommand({ Name: n, SecretString: "y" })))).name).toBe(
      "InvalidRequestException",
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: n }));
    expect(described.DeletedDate).toBeInstanceOf(Date);
    expect((await client.send(new ListSecretsCommand({}))).SecretList).toHaveLength(0);
    expect((await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList).toHaveLength(1);

    await client.send(new RestoreSecretCommand({ SecretId: n }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: n }))).SecretString).toBe("x");

    await client.send(new DeleteSecretCommand({ SecretId: n }));
    clock += 30 * 86_400_000 + 1;
    expect((await awsError(client.send(new DescribeSecretCommand({ SecretId: n })))).name).toBe(
      "ResourceNotFoundException",
    );

    await client.send(new CreateSecretCommand({ Name: n, SecretString: "again" }));
    await client.send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true }));
    expect((await awsError(client.send(new GetSecretValueCommand({ SecretId: n })))).name).toBe(
      "ResourceNotFoundException",
    );
  });

  it("pages ListSecrets with MaxResults/NextToken", async () => {
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      await client.send(new CreateSecretCommand({ Name: `paged/${i}`, SecretString: String(i) }));
    }
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await client.send(
        new ListSecretsCommand({ MaxResults: 2, NextToken: next, Filters: [{ Key: "name", Values: ["PAGED/"] }] }),
      );
      expect((page.SecretList ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.SecretList ?? []).map((s) => s.Name ?? ""));
      next = page.NextToken;
    } while (next);
    expect(seen).toEqual(["paged/0", "paged/1", "paged/2", "paged/3", "paged/4"]);
    const negated = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: "name", Values: ["paged/", "!paged/3"] }] }),
    );
    expect(negated.SecretList?.map((s) => s.Name)).not.toContain("paged/3");
    expect(negated.SecretList).toHaveLength(4);
  });
});

describe("Secrets Manager simulator faults", () => {
  it("throttling: the SDK retries and succeeds, or gives up with ThrottlingException", async () => {
    const n = name();
    await client.send(new CreateSecretCommand({ Name: n, SecretString: "x" }));
    sim.setFaults({ throttleNext: 2 }, "GetSecretValue");
    const ok = await client.send(new GetSecretValueCommand({ SecretId: n }));
    expect(ok.$metadata.attempts).toBe(3);

    sim.setFaults({ throttleNext: 3 }, "GetSecretValue");
    const err = await awsError(client.send(new GetSecretValueCommand({ SecretId: n })));
    expect(err.name).toBe("ThrottlingException");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$metadata.attempts).toBe(3);
    expect(sim.counters.get("GetSecretValue")).toMatchObject({
      received: 6,
      succeeded: 1,
      rejected: { fault_throttle: 5 },
    });
  });

  it("5xx: InternalServiceError is retried, then surfaces", async () => {
    const single = makeClient({ maxAttempts: 1 });
    try {
      sim.setFaults({ failNext: 1 });
      const err = await awsError(single.send(new ListSecretsCommand({})));
      expect(err.name).toBe("InternalServiceError");
      expect(err.$metadata.httpStatusCode).toBe(500);
      expect(err.$fault).toBe("server");
    } finally {
      single.destroy();
    }
    sim.setFaults({ failNext: 1 }, "ListSecrets");
    const ok = await client.send(new ListSecretsCommand({}));
    expect(ok.$metadata.attempts).toBe(2);
  });

  it("AccessDeniedException is not retried", async () => {
    sim.setFaults({ denyNext: 1 }, "CreateSecret");
    const err = await awsError(client.send(new CreateSecretCommand({ Name: name(), SecretString: "x" })));
    expect(err.name).toBe("AccessDeniedException");
    expect(err.$metadata.attempts).toBe(1);
    expect(sim.state.secrets.size).toBe(0);
  });

  it("timeouts and malformed answers", async () => {
    const quick = makeClient({ maxAttempts: 1, requestHandler: { requestTimeout: 150, throwOnRequestTimeout: true } });
    try {
      sim.setFaults({ timeoutNext: 1, hangMs: 2000 }, "ListSecrets");
      const timedOut = await awsError(quick.send(new ListSecretsCommand({})));
      expect(timedOut.name).toBe("TimeoutError");
      sim.setFaults({ malformedNext: 1 }, "ListSecrets");
      const garbled = await awsError(quick.send(new ListSecretsCommand({})));
      expect(garbled.name).toBe("SyntaxError");
      expect(garbled.message).toMatch(/Deserialization error/);
      expect(garbled.$metadata.httpStatusCode).toBe(200);
    } finally {
      quick.destroy();
    }
    sim.setFaults({ delayMs: 100 }, "ListSecrets");
    const t0 = Date.now();
    await client.send(new ListSecretsCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it("control API over HTTP", async () => {
    const set = await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "DescribeSecret", throttleNext: 5 }),
    });
    expect(set.status).toBe(200);
    const bad = await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "Nope", throttleNext: 1 }),
    });
    expect(bad.status).toBe(400);
    const single = makeClient({ maxAttempts: 1 });
    try {
      expect((await awsError(single.send(new DescribeSecretCommand({ SecretId: "x" })))).name).toBe(
        "ThrottlingException",
      );
    } finally {
      single.destroy();
    }
    const counters = (await (await fetch(`${sim.url}/__sim/counters`)).json()) as Record<string, { received: number }>;
    expect(counters.DescribeSecret?.received).toBe(1);
    expect((await fetch(`${sim.url}/__sim/reset`, { method: "POST" })).status).toBe(200);
    expect(sim.counters.snapshot()).toEqual({});
  });
});

describe("Secrets Manager simulator protocol checks", () => {
  const call = (headers: Record<string, string>, body = "{}"): Promise<Response> =>
    fetch(sim.url, { method: "POST", headers, body });
  const signed = (overrides: Record<string, string> = {}): Record<string, string> => ({
    "content-type": "application/x-amz-json-1.1",
    "x-amz-target": "secretsmanager.ListSecrets",
    "x-amz-date": "20260101T000000Z",
    authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${"a".repeat(64)}`,
    ...overrides,
  });

  it("accepts a well-formed request and answers with AWS headers", async () => {
    const res = await call(signed());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ SecretList: [] });
  });

  it("refuses missing or foreign auth, wrong content type, unknown operations and wrong types", async () => {
    const type = async (res: Response): Promise<[number, string]> => [
      res.status,
      ((await res.json()) as { __type: string }).__type,
    ];
    const { authorization: _omit, ...unsigned } = signed();
    expect(await type(await call(unsigned))).toEqual([403, "MissingAuthenticationTokenException"]);
    expect(await type(await call(signed({ authorization: "Bearer x" })))).toEqual([
      400,
      "IncompleteSignatureException",
    ]);
    expect(
      await type(
        await call(
          signed({ authorization: signed().authorization?.replace(ACCESS_KEY, "AKIDSOMEONEELSE00001") ?? "" }),
        ),
      ),
    ).toEqual([400, "UnrecognizedClientException"]);
    expect(
      await type(
        await call(signed({ authorization: signed().authorization?.replace("us-east-1", "eu-west-1") ?? "" })),
      ),
    ).toEqual([400, "InvalidSignatureException"]);
    expect(await type(await call(signed({ "content-type": "application/json" })))).toEqual([
      400,
      "SerializationException",
    ]);
    expect(await type(await call(signed({ "x-amz-target": "secretsmanager.RotateEverything" })))).toEqual([
      400,
      "UnknownOperationException",
    ]);
    expect(await type(await call(signed(), "not json"))).toEqual([400, "SerializationException"]);
    expect(await type(await call(signed(), JSON.stringify({ MaxResults: "5" })))).toEqual([
      400,
      "SerializationException",
    ]);
    expect(
      await type(await call(signed({ "x-amz-target": "secretsmanager.GetSecretValue" }), JSON.stringify({}))),
    ).toEqual([400, "ValidationException"]);
    const errBody = (await (
      await call(signed({ "x-amz-target": "secretsmanager.GetSecretValue" }), JSON.stringify({ SecretId: "nope" }))
    ).json()) as Record<string, unknown>;
    expect(errBody).toEqual({
      __type: "ResourceNotFoundException",
      Message: "Secrets Manager can't find the specified secret.",
    });
  });
});
