// A seller with a real history through the Noon flow (simulator in process): connected twice (one key
// superseded, one active), then a third attempt that failed at token/exchange.
import { randomBytes } from "node:crypto";
import { createOnboardingLink, createSeller } from "@/lib/sellers";
import { callback, connectAndApprove, type Harness } from "@/tests/support/noon-harness";

export async function sellerWithNoonHistory(h: Harness) {
  const externalId = `ext-${randomBytes(4).toString("hex")}`;
  const seller = await createSeller({ name: "Oasis Goods", email: "ops@oasis.test", externalId });
  const references: string[] = [];
  for (const projectCode of ["PRJ100001", "PRJ100002"]) {
    // A link is used up once the seller has connected: each connection needs a fresh one.
    const link = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    const started = await connectAndApprove(h, link.token, { projectCode });
    const done = await callback(
      h,
      [
        ["code", started.code],
        ["state", started.state],
      ],
      started.cookie,
    );
    references.push(done.location.split("/").pop() ?? "");
  }
  const link = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
  const third = await connectAndApprove(h, link.token);
  h.sim.setFaults({ statusErrorNext: 1 }, "exchange");
  const failed = await callback(
    h,
    [
      ["code", third.code],
      ["state", third.state],
    ],
    third.cookie,
  );
  references.push(failed.location.split("/").pop() ?? "");
  const [superseded = "", active = "", failedRef = ""] = references;
  return { seller, externalId, references: { superseded, active, failed: failedRef } };
}
