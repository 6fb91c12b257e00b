// The OpenAPI document against the routes: every /api/v1 route on disk is documented, and the real
// answers of the real route handlers (happy paths and errors) validate against the document served at
// GET /api/v1/openapi.json, with a JSON Schema 2020-12 validator (ajv) that knows nothing of zod.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createTestConnection, testSecret } from "@/tests/support/connections/fixtures";
import { rememberIssued, startHarness, type Harness } from "@/tests/support/noon-harness";
import { startNoyoSimulator, type StartedNoyoSimulator } from "@/simulators/noyo/index";
import { APP, bearer, testApiKey } from "@/tests/support/api";
import { sellerWithNoonHistory } from "@/tests/support/noon-seller";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { POST as onboardingLinks } from "@/app/api/v1/onboarding-links/route";
import { GET as connectionToken } from "@/app/api/v1/connections/[id]/token/route";
import { GET as sellersList } from "@/app/api/v1/sellers/route";
import { GET as sellerById } from "@/app/api/v1/sellers/[id]/route";
import { GET as authorizationByReference } from "@/app/api/v1/authorizations/[reference]/route";

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

let doc: Doc;
let ajv: Ajv2020;
let harness: Harness;
let noyo: StartedNoyoSimulator;
const noyoClient = { clientId: `noyo-${crypto.randomUUID()}`, clientSecret: testSecret("conformance") };
/** Every (METHOD path status) actually answered and checked. */
const checked = new Set<string>();

beforeAll(async () => {
  const res = await openApiRoute();
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 plus the OpenAPI vocabulary (example, discriminator, …).
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: "openapi.json" });
  harness = await startHarness();
  noyo = await startNoyoSimulator({ clients: [noyoClient] });
});
afterAll(async () => {
  await harness.close();
  await noyo.close();
});

/** Validates one real answer against the document's schema for its operation and status. */
async function conforms(
  method: string,
  template: string,
  response: Response,
  opts: { holdsSecret?: boolean } = {},
): Promise<number> {
  const status = String(response.status);
  const operation = doc.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is not documented`).toBeDefined();
  expect(
    Object.keys(operation?.responses ?? {}),
    `${method} ${template} answered ${status}, which its document does not list`,
  ).toContain(status);
  const text = await response.text();
  // Answers are kept for the end-of-run secret scan, except the one whose job is to hand out a token.
  if (!opts.holdsSecret) keepOutput("v1-conformance.txt", `${method} ${template} ${status} ${text}`);
  expect(response.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const pointer = `openapi.json#/paths/${template.replaceAll("~", "~0").replaceAll("/", "~1")}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.compile({ $ref: pointer });
  const body: unknown = JSON.parse(text);
  if (!validate(body))
    expect.fail(
      `${method} ${template} ${status} does not match its document: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`,
    );
  checked.add(`${method} ${template} ${status}`);
  return response.status;
}

const req = (url: string, key?: string | null, init: RequestInit = {}) =>
  new Request(`${APP}${url}`, {
    ...init,
    headers: { ...bearer(key), ...(init.headers as Record<string, string> | undefined) },
  });
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

function routeFiles(dir = "app/api/v1"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    return statSync(rel).isDirectory() ? routeFiles(rel) : name === "route.ts" ? [rel] : [];
  });
}

describe("the OpenAPI document of /api/v1", () => {
  it("is OpenAPI 3.1 with a bearer security scheme, and documents every route and method on disk (and nothing else)", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
    const onDisk = routeFiles()
      .flatMap((file) => {
        const source = readFileSync(file, "utf8");
        const template =
          "/" +
          path.posix
            .dirname(file)
            .replace(/^app\//, "")
            .replace(/\[([^\]]+)\]/g, "{$1}");
        return ["GET", "POST", "PUT", "PATCH", "DELETE"]
          .filter((m) => new RegExp(`^export\\s+(async\\s+)?function\\s+${m}\\b`, "m").test(source))
          .map((m) => `${m} ${template}`);
      })
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(onDisk);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        if (p === "/api/v1/openapi.json") expect(op.security).toEqual([]);
        else
          expect({
            route: `${m} ${p}`,
            security: op.security,
            has401: "401" in op.responses,
            has403: "403" in op.responses,
          }).toEqual({ route: `${m} ${p}`, security: [{ apiKey: [] }], has401: true, has403: true });
      }
    }
  });

  it("matches every answer of the read API: sellers, one seller, one authorization, and their errors", async () => {
    const { seller, externalId, references } = await sellerWithNoonHistory(harness);
    rememberIssued(harness.sim);
    const key = (await testApiKey(["sellers:read"])).key;
    const wrong = (await testApiKey(["onboarding-links"])).key;
    const L = "/api/v1/sellers";
    expect(await conforms("GET", L, await sellersList(req(`${L}?limit=2`, key)))).toBe(200);
    expect(await conforms("GET", L, await sellersList(req(`${L}?externalId=${externalId}`, key)))).toBe(200);
    expect(await conforms("GET", L, await sellersList(req(`${L}?limit=0`, key)))).toBe(400);
    const ahead = Buffer.from(JSON.stringify({ v: 1, x: "999999999999", i: seller.id, s: null, e: null })).toString(
      "base64url",
    );
    expect(await conforms("GET", L, await sellersList(req(`${L}?cursor=${ahead}`, key)))).toBe(409);
    expect(await conforms("GET", L, await sellersList(req(L)))).toBe(401);
    expect(await conforms("GET", L, await sellersList(req(L, wrong)))).toBe(403);

    const S = "/api/v1/sellers/{id}";
    expect(await conforms("GET", S, await sellerById(req(`${L}/${seller.id}`, key), params({ id: seller.id })))).toBe(
      200,
    );
    expect(await conforms("GET", S, await sellerById(req(`${L}/x`, key), params({ id: "x" })))).toBe(400);
    expect(
      await conforms(
        "GET",
        S,
        await sellerById(req(`${L}/${crypto.randomUUID()}`, key), params({ id: crypto.randomUUID() })),
      ),
    ).toBe(404);
    expect(await conforms("GET", S, await sellerById(req(`${L}/${seller.id}`), params({ id: seller.id })))).toBe(401);
    expect(await conforms("GET", S, await sellerById(req(`${L}/${seller.id}`, wrong), params({ id: seller.id })))).toBe(
      403,
    );

    const A = "/api/v1/authorizations/{reference}";
    for (const reference of Object.values(references)) {
      expect(
        await conforms(
          "GET",
          A,
          await authorizationByReference(req(`/api/v1/authorizations/${reference}`, key), params({ reference })),
        ),
      ).toBe(200);
    }
    expect(
      await conforms(
        "GET",
        A,
        await authorizationByReference(req("/api/v1/authorizations/x", key), params({ reference: "x" })),
      ),
    ).toBe(400);
    expect(
      await conforms(
        "GET",
        A,
        await authorizationByReference(
          req("/api/v1/authorizations/NA-00000000", key),
          params({ reference: "NA-00000000" }),
        ),
      ),
    ).toBe(404);
    expect(
      await conforms(
        "GET",
        A,
        await authorizationByReference(req("/api/v1/authorizations/NA-00000000"), params({ reference: "NA-00000000" })),
      ),
    ).toBe(401);
    expect(
      await conforms(
        "GET",
        A,
        await authorizationByReference(
          req("/api/v1/authorizations/NA-00000000", wrong),
          params({ reference: "NA-00000000" }),
        ),
      ),
    ).toBe(403);
  });

  it("matches every answer of the onboarding-links and connection token routes", async () => {
    const links = (await testApiKey(["onboarding-links"])).key;
    const tokens = (await testApiKey(["connection-tokens"])).key;
    const O = "/api/v1/onboarding-links";
    const post = (key: string | null, body: string) =>
      onboardingLinks(req(O, key, { method: "POST", body, headers: { "content-type": "application/json" } }));
    expect(await conforms("POST", O, await post(links, JSON.stringify({ name: "Conformance Trading" })))).toBe(201);
    expect(await conforms("POST", O, await post(links, JSON.stringify({ email: "x@y.test" })))).toBe(400);
    expect(await conforms("POST", O, await post(null, "{}"))).toBe(401);
    expect(await conforms("POST", O, await post(tokens, "{}"))).toBe(403);

    const { clientId, clientSecret } = noyoClient;
    const T = "/api/v1/connections/{id}/token";
    const token = (id: string, key: string | null) =>
      connectionToken(req(`/api/v1/connections/${id}/token`, key), params({ id }));
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: noyo.tokenUrl,
      apiBaseUrl: noyo.apiBaseUrl,
    });
    const ok = await token(id, tokens);
    const okText = await ok.clone().text();
    rememberSecret((JSON.parse(okText) as { accessToken?: string }).accessToken ?? "");
    expect(await conforms("GET", T, ok, { holdsSecret: true })).toBe(200);
    expect(await conforms("GET", T, await token(id, null))).toBe(401);
    expect(await conforms("GET", T, await token(id, links))).toBe(403);
    const limited = (await testApiKey(["connection-tokens"], { connectionIds: [crypto.randomUUID()] })).key;
    expect(await conforms("GET", T, await token(id, limited))).toBe(403);
    expect(await conforms("GET", T, await token(crypto.randomUUID(), tokens))).toBe(404);
    const wrongSecret = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret: testSecret("wrong"),
      tokenUrl: noyo.tokenUrl,
      apiBaseUrl: noyo.apiBaseUrl,
    });
    expect(await conforms("GET", T, await token(wrongSecret, tokens))).toBe(502);
    const disabled = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: noyo.tokenUrl,
      apiBaseUrl: noyo.apiBaseUrl,
    });
    await db().connection.update({ where: { id: disabled }, data: { disabledAt: new Date() } });
    expect(await conforms("GET", T, await token(disabled, tokens))).toBe(409);
  });

  it("matches its own route (public), and every documented status of the read API was checked above", async () => {
    expect(await conforms("GET", "/api/v1/openapi.json", await openApiRoute())).toBe(200);
    for (const p of ["/api/v1/sellers", "/api/v1/sellers/{id}", "/api/v1/authorizations/{reference}"]) {
      for (const status of Object.keys(doc.paths[p]?.get?.responses ?? {}))
        expect(checked).toContain(`GET ${p} ${status}`);
    }
  });
});
