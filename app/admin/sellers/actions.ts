"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionOk, ActionFailure, runStaffAction, type ActionState } from "@/lib/auth/action";
import { recordAudit } from "@/lib/audit/record";
import { createOnboardingLink, createSeller, revokeOnboardingLink } from "@/lib/sellers";
import { db } from "@/lib/db/client";
import { LOCALES } from "@/lib/i18n/locales";
import { messageKey } from "@/lib/i18n/message-ref";

export type IssuedLink = { sellerId: string; linkId: string; url: string; expiresAt: string };

// The seller's language for a link's pages; "" leaves it to the seller's browser.
const localeSchema = z.union([z.literal(""), z.enum(LOCALES)]).optional();
const createSellerSchema = z.object({
  name: z.string().trim().min(1, messageKey("admin.sellers.create.nameRequired")).max(200),
  email: z
    .union([z.literal(""), z.string().trim().email(messageKey("admin.sellers.create.emailInvalid")).max(254)])
    .optional(),
  externalId: z.string().trim().max(200).optional(),
  locale: localeSchema,
});
const idSchema = z.string().uuid(messageKey("admin.sellers.actions.unknownId"));

/** Creates a seller (or finds it by external id) and issues an onboarding link, shown once. */
export async function createSellerAction(
  _previous: ActionState<IssuedLink>,
  formData: FormData,
): Promise<ActionState<IssuedLink>> {
  return runStaffAction("manageSellers", async (staff) => {
    const input = createSellerSchema.parse({
      name: formData.get("name") ?? "",
      email: formData.get("email") ?? "",
      externalId: formData.get("externalId") ?? "",
      locale: formData.get("locale") ?? "",
    });
    const seller = await createSeller({
      name: input.name,
      email: input.email || null,
      externalId: input.externalId || null,
    });
    if (seller.created) {
      await recordAudit({
        actor: { type: "staff", id: staff.id, label: staff.email },
        action: "seller.created",
        target: { type: "seller", id: seller.id },
        ip: staff.ip,
        details: { name: seller.name, externalId: seller.externalId },
      });
    }
    const link = await createOnboardingLink({
      sellerId: seller.id,
      createdBy: `staff:${staff.id}`,
      locale: input.locale || null,
    });
    await recordAudit({
      actor: { type: "staff", id: staff.id, label: staff.email },
      action: "link.issued",
      target: { type: "seller", id: seller.id },
      ip: staff.ip,
      details: {
        linkId: link.linkId,
        expiresAt: link.expiresAt.toISOString(),
        ...(input.locale ? { locale: input.locale } : {}),
      },
    });
    revalidatePath("/admin/sellers");
    return actionOk(
      {
        key: seller.created ? "admin.sellers.actions.created" : "admin.sellers.actions.existed",
        values: { name: seller.name },
      },
      { sellerId: seller.id, linkId: link.linkId, url: link.url, expiresAt: link.expiresAt.toISOString() },
    );
  });
}

/** Issues a fresh onboarding link for an existing seller (form field `sellerId`); the URL is returned once. */
export async function issueLinkAction(formData: FormData): Promise<ActionState<IssuedLink>> {
  return runStaffAction("manageSellers", async (staff) => {
    const sellerId = idSchema.parse(formData.get("sellerId"));
    const locale = localeSchema.parse(formData.get("locale") ?? "");
    const seller = await db().seller.findUnique({ where: { id: sellerId }, select: { id: true } });
    if (!seller) throw new ActionFailure("NOT_FOUND", { key: "admin.sellers.actions.sellerNotFound" });
    const link = await createOnboardingLink({
      sellerId,
      createdBy: `staff:${staff.id}`,
      ...(locale ? { locale } : {}),
    });
    await recordAudit({
      actor: { type: "staff", id: staff.id, label: staff.email },
      action: "link.issued",
      target: { type: "seller", id: sellerId },
      ip: staff.ip,
      details: { linkId: link.linkId, expiresAt: link.expiresAt.toISOString(), ...(locale ? { locale } : {}) },
    });
    revalidatePath("/admin/sellers");
    revalidatePath(`/admin/sellers/${sellerId}`);
    return actionOk(
      { key: "admin.sellers.actions.issued" },
      { sellerId, linkId: link.linkId, url: link.url, expiresAt: link.expiresAt.toISOString() },
    );
  });
}

/** Revokes an onboarding link (form field `linkId`): a seller holding it is refused from now on. */
export async function revokeLinkAction(formData: FormData): Promise<ActionState> {
  return runStaffAction("manageSellers", async (staff) => {
    const linkId = idSchema.parse(formData.get("linkId"));
    const link = await db().onboardingLink.findUnique({ where: { id: linkId }, select: { sellerId: true } });
    if (!link) throw new ActionFailure("NOT_FOUND", { key: "admin.sellers.actions.linkNotFound" });
    const revoked = await revokeOnboardingLink({ linkId, revokedBy: `staff:${staff.id}` });
    if (revoked) {
      await recordAudit({
        actor: { type: "staff", id: staff.id, label: staff.email },
        action: "link.revoked",
        target: { type: "seller", id: link.sellerId },
        ip: staff.ip,
        details: { linkId },
      });
    }
    revalidatePath("/admin/sellers");
    revalidatePath(`/admin/sellers/${link.sellerId}`);
    return actionOk({ key: revoked ? "admin.sellers.actions.revoked" : "admin.sellers.actions.alreadyRevoked" });
  });
}
