"use client";
import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { ActionState } from "@/lib/auth/action";
import { isGenericKey, type MessageRef } from "@/lib/i18n/message-ref";
import { languageOf } from "@/lib/i18n/locales";
import { Alert } from "@/components/ui/alert";
import { Ident } from "@/components/i18n/ident";

type AnyState = ActionState<unknown>;
type Catalogue = ((key: string, values?: Record<string, string | number>) => string) & {
  has: (key: string) => boolean;
  rich: (key: string, values: Record<string, unknown>) => ReactNode;
};

const TAGS = {
  ident: (chunks: ReactNode) => <Ident>{chunks}</Ident>,
  strong: (chunks: ReactNode) => <strong>{chunks}</strong>,
  em: (chunks: ReactNode) => <em>{chunks}</em>,
  bdi: (chunks: ReactNode) => <bdi>{chunks}</bdi>,
  // Text recorded in English (a provider's answer) inside a translated message.
  en: (chunks: ReactNode) => (
    <bdi lang="en" dir="ltr">
      {chunks}
    </bdi>
  ),
};

/**
 * A server action's texts (lib/auth/action.ts) in the reader's language, the one home for every form:
 * the catalogue's message when the answer has a key (identifiers in `<ident>` stay left to right); English
 * pages keep the action's own English text where the key names only the kind of failure (`isGenericKey`);
 * other languages fall back to a generic message (`generic`) rather than English.
 */
export function useActionMessage() {
  const t = useTranslations() as unknown as Catalogue;
  const isEnglish = languageOf(useLocale()) === "en";
  const usable = (ref: MessageRef | null | undefined): ref is MessageRef =>
    !!ref && t.has(ref.key) && !(isEnglish && isGenericKey(ref.key));
  const text = (ref: MessageRef | null | undefined, english: string, generic?: string): ReactNode => {
    if (usable(ref)) return t.rich(ref.key, { ...ref.values, ...TAGS });
    if (!isEnglish && generic && t.has(generic)) return t(generic);
    return english;
  };
  /** The whole answer (nothing while idle). */
  const message = (state: AnyState): ReactNode =>
    state.status === "idle"
      ? null
      : state.status === "ok"
        ? text(state.i18n, state.message, "admin.layout.action.done")
        : text(state.i18n, state.message, `admin.layout.action.errors.${state.code}`);
  /** The message of a field (for `<Field error=…>`), as plain text. */
  const field = (state: AnyState, name: string): string | undefined => {
    if (state.status !== "error" || !state.fieldErrors?.[name]) return undefined;
    // English pages show the field's English text: the schema's own, more specific one where it wrote one.
    if (isEnglish) return state.fieldErrors[name];
    const ref = state.fieldI18n?.[name];
    return ref && t.has(ref.key) ? t(ref.key, ref.values) : t("admin.layout.validation.invalid");
  };
  return { text, message, field, fieldError: field };
}

/** The answer of a server action as an alert (nothing while idle). */
export function ActionMessage({ state }: { state: AnyState }) {
  const { message } = useActionMessage();
  if (state.status === "idle") return null;
  return <Alert tone={state.status === "ok" ? "success" : "error"}>{message(state)}</Alert>;
}
