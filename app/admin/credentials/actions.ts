"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runStaffAction, type ActionState } from "@/lib/auth/action";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { verifySellerCredential, type VerificationOutcome } from "@/lib/noon/verify";

export type VerificationView = {
  outcome: VerificationOutcome;
  httpStatus: number | null;
  needsReconnect: boolean;
  verifiedAt: string;
};

const formSchema = z.object({ credentialId: z.string().uuid("Unknown credential.") });

/** Verifies a seller's stored Noon key with Noon (form field `credentialId`); the key never leaves the server. */
export async function verifyCredentialAction(
  _previous: ActionState<VerificationView>,
  formData: FormData,
): Promise<ActionState<VerificationView>> {
  return runStaffAction("verifyCredentials", async (staff) => {
    const { credentialId } = formSchema.parse({ credentialId: formData.get("credentialId") });
    const result = await verifySellerCredential({ credentialId, trigger: "manual", actor: `staff:${staff.id}` });
    if (!result.ok)
      throw new AppError(result.error.code === "not_found" ? "NOT_FOUND" : "CONFLICT", result.error.message);
    const r = result.data;
    await recordAudit({
      actor: { type: "staff", id: staff.id, label: staff.email },
      action: "credential.verified",
      target: { type: "seller", id: r.sellerId },
      ip: staff.ip,
      outcome: r.outcome === "ok" ? "success" : "failure",
      details: { credentialId, outcome: r.outcome, httpStatus: r.httpStatus },
    });
    revalidatePath(`/admin/sellers/${r.sellerId}`);
    revalidatePath(`/admin/requests/${r.authorizationId}`);
    const data = {
      outcome: r.outcome,
      httpStatus: r.httpStatus,
      needsReconnect: r.needsReconnect,
      verifiedAt: r.verifiedAt.toISOString(),
    };
    if (r.outcome === "ok") return { status: "ok", message: "Key verified with Noon: it works.", data };
    return {
      status: "error",
      code: "UPSTREAM",
      message: r.needsReconnect ? `${r.message}. The seller needs to connect again.` : r.message,
    };
  });
}
