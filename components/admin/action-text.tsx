"use client";
// The texts of a server action's answer (lib/auth/action.ts) in the page's language.
import { useLocale, useTranslations } from "next-intl";
import type { ActionState, MessageRef } from "@/lib/auth/action";
import { languageOf } from "@/lib/i18n/locales";
import { isGenericKey } from "@/lib/i18n/message-ref";
import { Alert } from "@/components/ui/alert";

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * `message(state)` and `field(state, name)`: the catalogue's text when the action gave a code; otherwise
 * English pages keep the action's own English text and other languages get the catalogue's text for the
 * error's kind (AppErrorCode) or the zod issue's kind.
 */
export function useActionText() {
  const t = useTranslations() as unknown as Translate & { has: (key: string) => boolean };
  const english = languageOf(useLocale()) === "en";
  const text = (ref: MessageRef | undefined, fallback: string, generic: string): string => {
    if (ref && t.has(ref.key) && !(english && isGenericKey(ref.key))) return t(ref.key, ref.values);
    if (english) return fallback;
    return t(generic);
  };
  return {
    text,
    message(state: ActionState<unknown>): string | null {
      if (state.status === "idle") return null;
      if (state.status === "ok") return text(state.i18n, state.message, "admin.layout.action.done");
      return text(state.i18n, state.message, `admin.layout.action.errors.${state.code}`);
    },
    field(state: ActionState<unknown>, name: string): string | undefined {
      if (state.status !== "error" || !state.fieldErrors?.[name]) return undefined;
      // Field codes name only the kind of problem: English pages keep the schema's own, more specific text.
      if (english) return state.fieldErrors[name];
      return text(state.fieldI18n?.[name], state.fieldErrors[name], "admin.layout.validation.invalid");
    },
  };
}

/** The action's answer as an alert (success or error), or nothing while idle. */
export function ActionMessage({ state }: { state: ActionState<unknown> }) {
  const { message } = useActionText();
  const text = message(state);
  if (state.status === "idle" || text === null) return null;
  return <Alert tone={state.status === "error" ? "error" : "success"}>{text}</Alert>;
}
