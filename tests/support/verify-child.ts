// A separate app process for the schedule's budget test: runs the schedule's tick several times at one
// given minute against the given Noon, then prints {"claimed": N}. Started by lib/noon/verify.test.ts.
import { runScheduledVerifications } from "@/lib/noon/verify";
import { db } from "@/lib/db/client";

const [apiUrl, nowIso, perMinute, rounds] = process.argv.slice(2);
if (!apiUrl || !nowIso || !perMinute || !rounds) {
  console.error("usage: verify-child.ts <apiUrl> <nowIso> <perMinute> <rounds>");
  process.exit(2);
}
const noon = {
  apiUrl,
  authorizeUrl: `${apiUrl}/authorize`,
  clientId: "unused",
  clientSecret: "unused",
  integratorKey: null,
};
let claimed = 0;
for (let i = 0; i < Number(rounds); i++) {
  const run = await runScheduledVerifications(
    { now: new Date(nowIso), perMinute: Number(perMinute), concurrency: 2 },
    { noon },
  );
  claimed += run.claimed;
}
await db().$disconnect();
console.log(JSON.stringify({ claimed }));
process.exit(0);
