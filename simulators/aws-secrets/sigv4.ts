// The SigV4 check: the Authorization header's shape, its region/service scope and access key id. The
// signature itself is not verified (the simulator holds no secret keys).
import type { IncomingMessage } from "node:http";
import { AUTH_HEADER, AwsError } from "./protocol";

/** Checks the SigV4 Authorization header's shape, region/service scope and access key id. */
export function checkSigV4(req: IncomingMessage, expect: { region: string; allowedKeys?: ReadonlySet<string> }): void {
  const header = req.headers.authorization;
  if (typeof header !== "string" || header === "") {
    throw new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
  }
  if (!header.startsWith("AWS4-HMAC-SHA256 ")) {
    throw new AwsError("IncompleteSignatureException", "Authorization header requires the AWS4-HMAC-SHA256 algorithm.");
  }
  const m = AUTH_HEADER.exec(header);
  if (!m) {
    throw new AwsError(
      "IncompleteSignatureException",
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  }
  const [, accessKeyId = "", date = "", scopeRegion = "", service = "", signedHeaders = ""] = m;
  const amzDate = req.headers["x-amz-date"];
  if (typeof amzDate !== "string" || !/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date)) {
    throw new AwsError(
      "IncompleteSignatureException",
      "X-Amz-Date is missing or does not match the credential scope date.",
    );
  }
  if (!signedHeaders.split(";").includes("host")) {
    throw new AwsError("IncompleteSignatureException", "The host header must be signed.");
  }
  if (service !== "secretsmanager") {
    throw new AwsError(
      "InvalidSignatureException",
      `Credential should be scoped to correct service: 'secretsmanager'.`,
    );
  }
  if (scopeRegion !== expect.region) {
    throw new AwsError(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${scopeRegion}'.`,
    );
  }
  if (expect.allowedKeys && !expect.allowedKeys.has(accessKeyId)) {
    throw new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.");
  }
}
