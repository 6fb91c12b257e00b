"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runStaffAction, type ActionState } from "@/lib/auth/action";
import {
  createSellerWithLink,
  issueSellerLink,
  revokeOnboardingLink,
  type IssuedLink as IssuedLinkWithToken,
  type LinkActor,
} from "@/lib/sellers";
import { AppError } from "@/lib/errors";
import { LOCALES } from "@/lib/i18n/locales";

export type IssuedLink = { sellerId: string; linkId: string; url: string; expiresAt: string };

// The seller's language for a link's pages; "" leaves it to the seller's browser.
const localeSchema = z.union([z.literal(""), z.enum(LOCALES)]).optional();
const createSellerSchema = z.object({
  name: z.string().trim().min(1, "Enter the seller's name.").max(200),
  email: z
    .union([z.literal(""), z.string().trim().email("Enter a valid e-mail address or leave it empty.").max(254)])
    .optional(),
  externalId: z.string().trim().max(200).optional(),
  locale: localeSchema,
});
const idSchema = z.string().uuid("Unknown id.");

/** The one who acts, as the seller flows record them. */
const byStaff = (staff: { id: string; email: string; ip: string | null }): LinkActor => ({
  type: "staff",
  id: staff.id,
  email: staff.email,
  ip: staff.ip,
});

const shownOnce = (link: IssuedLinkWithToken): IssuedLink => ({
  sellerId: link.seller.id,
  linkId: link.linkId,
  url: link.url,
  expiresAt: link.expiresAt.toISOString(),
});

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
    const issued = await createSellerWithLink({
      seller: { name: input.name, email: input.email || null, externalId: input.externalId || null },
      by: byStaff(staff),
      locale: input.locale || null,
    });
    revalidatePath("/admin/sellers");
    return {
      status: "ok",
      message: issued.seller.created
        ? `Seller ${issued.seller.name} created.`
        : `Seller ${issued.seller.name} already existed (same external id): a new link was issued.`,
      data: shownOnce(issued),
    };
  });
}

/** Issues a fresh onboarding link for an existing seller (form field `sellerId`); the URL is returned once. */
export async function issueLinkAction(_previous: unknown, formData: FormData): Promise<ActionState<IssuedLink>> {
  return runStaffAction("manageSellers", async (staff) => {
    const sellerId = idSchema.parse(formData.get("sellerId"));
    const locale = localeSchema.parse(formData.get("locale") ?? "");
    const issued = await issueSellerLink({ sellerId, by: byStaff(staff), ...(locale ? { locale } : {}) });
    if (!issued) throw new AppError("NOT_FOUND", "That seller does not exist.");
    revalidatePath("/admin/sellers");
    revalidatePath(`/admin/sellers/${sellerId}`);
    return { status: "ok", message: "New onboarding link issued.", data: shownOnce(issued) };
  });
}

/** Revokes an onboarding link (form field `linkId`): a seller holding it is refused from now on. */
export async function revokeLinkAction(_previous: unknown, formData: FormData): Promise<ActionState> {
  return runStaffAction("manageSellers", async (staff) => {
    const linkId = idSchema.parse(formData.get("linkId"));
    const outcome = await revokeOnboardingLink({ linkId, by: byStaff(staff) });
    if (!outcome) throw new AppError("NOT_FOUND", "That link does not exist.");
    revalidatePath("/admin/sellers");
    revalidatePath(`/admin/sellers/${outcome.sellerId}`);
    return { status: "ok", message: outcome.revoked ? "Link revoked." : "The link was already revoked." };
  });
}
