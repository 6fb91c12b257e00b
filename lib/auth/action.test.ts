import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { CATALOGUES } from "@/lib/i18n/messages";
import { messageKey } from "@/lib/i18n/message-ref";
import { actionOk, ActionFailure, errorState } from "./action";

const arabic = createTranslator({ locale: "ar", messages: CATALOGUES.ar });

describe("server action answers by catalogue key", () => {
  it("a success names its text by key and keeps the English", () => {
    const state = actionOk({ key: "admin.sellers.actions.created", values: { name: "Oryx" } });
    expect(state).toMatchObject({
      status: "ok",
      message: "Seller Oryx created.",
      i18n: { key: "admin.sellers.actions.created" },
    });
  });

  it("an ActionFailure keeps its own key; a plain AppError is told by its code", () => {
    expect(errorState(new ActionFailure("NOT_FOUND", { key: "admin.sellers.actions.linkNotFound" }))).toMatchObject({
      code: "NOT_FOUND",
      message: "That link does not exist.",
      i18n: { key: "admin.sellers.actions.linkNotFound" },
    });
    expect(errorState(new AppError("FORBIDDEN", "Your role does not allow this."))).toMatchObject({
      code: "FORBIDDEN",
      message: "Your role does not allow this.",
      i18n: { key: "admin.serverErrors.code.FORBIDDEN" },
    });
    expect(errorState(new AppError("RATE_LIMITED", "Too many attempts.", { retryAfterSeconds: 3 }))).toMatchObject({
      i18n: { key: "admin.serverErrors.rateLimitedFor", values: { seconds: 3 } },
    });
  });

  it("invalid input answers each field by key: the schema's own, else the kind of problem", () => {
    const schema = z.object({
      name: z.string().min(1, messageKey("admin.sellers.create.nameRequired")),
      email: z.string().email(),
      note: z.string().max(3),
      roles: z.array(z.string()).min(1),
    });
    const parsed = schema.safeParse({ name: "", email: "nope", note: "long", roles: [] });
    if (parsed.success) throw new Error("expected invalid input");
    const state = errorState(parsed.error);
    if (state.status !== "error") throw new Error("expected an error");
    expect(state.i18n?.key).toBe("admin.serverErrors.invalidInput");
    expect(state.fieldErrors).toEqual({
      name: "Enter the seller's name.",
      email: "Enter a valid e-mail address.",
      note: "Enter at most 3 characters.",
      roles: "Choose at least 1 option.",
    });
    const ref = state.fieldI18n?.note;
    if (!ref) throw new Error("no key for note");
    expect(arabic(ref.key, ref.values as never)).toBe("أدخل 3 أحرف على الأكثر.");
  });

  it("an unexpected error answers with a reference, never its own message", () => {
    const state = errorState(new Error("database unreachable: internal detail 7f3a"));
    expect(state).toMatchObject({ status: "error", code: "INTERNAL" });
    if (state.status !== "error") return;
    expect(state.message).not.toContain("internal detail 7f3a");
    const reference = state.i18n?.values?.reference;
    expect(reference).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.message).toContain(String(reference));
  });
});
