// A text for people named by its catalogue key (messages/en.json) and its ICU values: what a server action
// answers, so the form shows it in the reader's language (components/i18n/action-message.tsx).
import type { MessageKeys, NestedKeyOf } from "next-intl";
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";
import type { Messages } from "./messages";

export type MessageKey = MessageKeys<Messages, NestedKeyOf<Messages>>;
export type MessageValues = Record<string, string | number>;

export interface MessageRef {
  key: MessageKey;
  values?: MessageValues;
}

/** Checks a key at compile time where a plain string is wanted (e.g. a zod message): `key("admin.…")`. */
export function messageKey<K extends MessageKey>(key: K): K {
  return key;
}

const english = createTranslator({ locale: "en", messages: en });

/** The English text of a message (the `message` of an action's answer, for logs and tests). */
export function englishOf(ref: MessageRef): string {
  const tags = {
    ident: (chunks: string) => chunks,
    strong: (chunks: string) => chunks,
    em: (chunks: string) => chunks,
    bdi: (chunks: string) => chunks,
    en: (chunks: string) => chunks,
  };
  return english.markup(ref.key, { ...ref.values, ...tags } as never);
}

/** Whether a string is a key of the catalogue (a zod message written as a key). */
export function isMessageKey(value: string): value is MessageKey {
  let node: unknown = en;
  for (const part of value.split(".")) {
    if (!node || typeof node !== "object" || !Object.hasOwn(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string";
}

/**
 * Keys that name only the kind of a failure (an AppError's code, a zod issue's kind): English pages show the
 * action's own, more specific English text instead.
 */
export function isGenericKey(key: string): boolean {
  return key.startsWith("admin.serverErrors.code.") || key.startsWith("admin.serverErrors.field.");
}
