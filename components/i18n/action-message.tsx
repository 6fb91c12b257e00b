"use client";
import { useLocale, useTranslations } from "next-intl";
import type { ActionState } from "@/lib/auth/action";
import { isGenericKey, type MessageRef } from "@/lib/i18n/message-ref";
import { languageOf } from "@/lib/i18n/locales";
import { Alert } from "@/components/ui/alert";
import { Ident } from "@/components/i18n/ident";

type AnyState = ActionState<unknown>;

/**
 * A server action's texts in the reader's language: `text(ref, english)` renders a catalogue message by key
 * (identifiers in `<ident>` stay left to right), or the English text when the answer has no key.
 */
export function useActionMessage() {
  const t = useTranslations();
  const isEnglish = languageOf(useLocale()) === "en";
  const text = (ref: MessageRef | undefined, english: string): React.ReactNode =>
    ref && !(isEnglish && isGenericKey(ref.key))
      ? t.rich(ref.key, {
          ...ref.values,
          ident: (chunks: React.ReactNode) => <Ident>{chunks}</Ident>,
          strong: (chunks: React.ReactNode) => <strong>{chunks}</strong>,
          em: (chunks: React.ReactNode) => <em>{chunks}</em>,
          bdi: (chunks: React.ReactNode) => <bdi>{chunks}</bdi>,
          // Text recorded in English (a provider's answer) inside a translated message.
          en: (chunks: React.ReactNode) => (
            <bdi lang="en" dir="ltr">
              {chunks}
            </bdi>
          ),
        } as never)
      : english;
  /** The message of a field (for `<Field error=…>`), as plain text. */
  const fieldError = (state: AnyState, name: string): string | undefined => {
    if (state.status !== "error") return undefined;
    const ref = state.fieldI18n?.[name];
    return ref && !(isEnglish && isGenericKey(ref.key)) ? t(ref.key, ref.values as never) : state.fieldErrors?.[name];
  };
  return { text, fieldError };
}

/** The answer of a server action as an alert (nothing while idle). */
export function ActionMessage({ state }: { state: AnyState }) {
  const { text } = useActionMessage();
  if (state.status === "idle") return null;
  return <Alert tone={state.status === "ok" ? "success" : "error"}>{text(state.i18n, state.message)}</Alert>;
}
