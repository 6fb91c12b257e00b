// Run by e2e/cluster.spec.ts as its own process (the app's modules need the react-server condition):
// creates a webhook endpoint for the URL and event types given, and prints its id and signing secret as JSON.
import { randomUUID } from "node:crypto";
import { createEndpoint } from "@/lib/webhooks/endpoints";

async function main() {
  const [url = "", ...eventTypes] = process.argv.slice(2);
  const created = await createEndpoint({
    input: { url, eventTypes },
    actor: { id: randomUUID(), email: "cluster@e2e.test", ip: null },
  });
  console.log(JSON.stringify(created));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
