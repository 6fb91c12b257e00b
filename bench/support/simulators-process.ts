// The provider simulators of a benchmark in their own process, so the load generator and the simulators do
// not share one event loop. Prints one JSON line with what the app needs, then runs until stdin closes.
// BENCH_SECRETS=aws adds the Secrets Manager simulator (the app's store in production is AWS, a remote service).
import { randomBytes } from "node:crypto";
import { startNoonSimulator } from "../../simulators/noon/index";
import { startNoyoSimulator } from "../../simulators/noyo/index";
import { startSecretsManagerSimulator } from "../../simulators/aws-secrets/index";

const redirectUri = process.argv[2] ?? "http://localhost:3000/api/noon/callback";
const noyoClient = {
  clientId: `bench-${randomBytes(4).toString("hex")}`,
  clientSecret: randomBytes(24).toString("base64url"),
};
const noon = await startNoonSimulator({ redirectUri, sellerKeyPool: Number(process.env.BENCH_NOON_KEY_POOL ?? 8) });
const noyo = await startNoyoSimulator({ clients: [noyoClient], tokenLifetimeSeconds: 3600 });
const aws = process.env.BENCH_SECRETS === "aws" ? await startSecretsManagerSimulator() : undefined;
console.log(
  JSON.stringify({
    noon: {
      url: noon.url,
      authorizeUrl: noon.authorizeUrl,
      clientId: noon.clientId,
      clientSecret: noon.clientSecret,
      integratorKey: noon.integratorKey,
    },
    noyo: { url: noyo.url, tokenUrl: noyo.tokenUrl, ...noyoClient },
    ...(aws ? { aws: { url: aws.url } } : {}),
  }),
);
const stop = () => void Promise.all([noon.close(), noyo.close(), aws?.close()]).finally(() => process.exit(0));
process.stdin.on("end", stop).resume();
process.on("SIGTERM", stop);
