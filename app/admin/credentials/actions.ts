"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionError, actionOk, ActionFailure, runStaffAction, type ActionState } from "@/lib/auth/action";
import { recordAudit } from "@/lib/audit/record";
import { messageKey } from "@/lib/i18n/message-ref";
import { verifySellerCredential, type VerificationOutcome } from "@/lib/noon/verify";

export type VerificationView = {
  outcome: VerificationOutcome;
  httpStatus: number | null;
  needsReconnect: boolean;
  verifiedAt: string;
};

const formSchema = z.object({ credentialId: z.string().uuid(messageKey("admin.support.verify.unknownCredential")) });

/** Verifies a seller's stored Noon key with Noon (form field `credentialId`); the key never leaves the server. */
export async function verifyCredentialAction(
  _previous: ActionState<VerificationView>,
  formData: FormData,
): Promise<ActionState<VerificationView>> {
  return runStaffAction("verifyCredentials", async (staff) => {
    const { credentialId } = formSchema.parse({ credentialId: formData.get("credentialId") });
    const result = await verifySellerCredential({ credentialId, trigger: "manual", actor: `staff:${staff.id}` });
    if (!result.ok)
      throw new ActionFailure(
        result.error.code === "not_found" ? "NOT_FOUND" : "CONFLICT",
        { key: `admin.support.verify.refused.${result.error.code}` },
        { internal: result.error.message },
      );
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
    if (r.outcome === "ok") return actionOk({ key: "admin.support.verify.ok" }, data);
    // The outcome by code, with Noon's own words as recorded (English).
    return actionError("UPSTREAM", {
      key: r.needsReconnect
        ? `admin.support.verify.failedReconnect.${r.outcome}`
        : `admin.support.verify.failed.${r.outcome}`,
      values: { detail: r.message },
    });
  });
}
