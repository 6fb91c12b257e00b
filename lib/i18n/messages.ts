// The message catalogues (messages/<locale>.json) and a translator usable outside React (route handlers,
// plain HTML answers, tests).
import { createTranslator } from "next-intl";
import ar from "@/messages/ar.json";
import en from "@/messages/en.json";
import { type Locale } from "./locales";

export type Messages = typeof en;

export const CATALOGUES: Record<Locale, Messages> = { en, ar };

export function messagesFor(language: Locale): Messages {
  return CATALOGUES[language];
}

/** A translator for one language, e.g. `translator("ar", "errors")("tooManyAttempts.title")`. */
export function translator<N extends keyof Messages>(language: Locale, namespace: N) {
  return createTranslator({ locale: language, messages: CATALOGUES[language], namespace });
}
