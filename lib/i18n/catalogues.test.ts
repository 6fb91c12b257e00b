// The catalogues stay in step: the same keys in every language, every message valid ICU, and the
// same placeholders and rich-text tags on both sides.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { LOCALES } from "./locales";

type Tree = { [key: string]: string | Tree };

const dir = path.join(process.cwd(), "messages");
const catalogues = Object.fromEntries(
  LOCALES.map((locale) => [locale, JSON.parse(readFileSync(path.join(dir, `${locale}.json`), "utf8")) as Tree]),
);

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** The argument names and tag names a message uses (plural branches included). */
function namesOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time)
      into.add(`{${el.value}}`);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      into.add(`{${el.value}}`);
      for (const option of Object.values(el.options)) namesOf(option.value, into);
    }
    if (el.type === TYPE.tag) {
      into.add(`<${el.value}>`);
      namesOf(el.children, into);
    }
  }
  return into;
}

describe("message catalogues", () => {
  it("has one catalogue file per locale, and no other", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(files).toEqual(LOCALES.map((l) => `${l}.json`).sort());
  });

  const english = flatten(catalogues.en ?? {});
  for (const locale of LOCALES) {
    const messages = flatten(catalogues[locale] ?? {});

    it(`${locale}: has exactly the keys of en`, () => {
      expect([...messages.keys()].sort()).toEqual([...english.keys()].sort());
    });

    it(`${locale}: every message is valid ICU with en's placeholders and tags, and none is empty`, () => {
      const problems: string[] = [];
      for (const [key, text] of messages) {
        if (!text.trim()) problems.push(`${key}: empty`);
        try {
          const names = [...namesOf(parse(text))].sort();
          const expected = [...namesOf(parse(english.get(key) ?? ""))].sort();
          if (JSON.stringify(names) !== JSON.stringify(expected))
            problems.push(`${key}: uses ${names.join(" ")}, en uses ${expected.join(" ")}`);
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("Arabic plurals give every form CLDR has for Arabic", () => {
    const problems: string[] = [];
    for (const [key, text] of flatten(catalogues.ar ?? {})) {
      for (const el of parse(text)) {
        if (el.type !== TYPE.plural) continue;
        const forms = Object.keys(el.options).filter((k) => !k.startsWith("="));
        for (const form of new Intl.PluralRules("ar").resolvedOptions().pluralCategories)
          if (!forms.includes(form)) problems.push(`${key}: no "${form}" form`);
      }
    }
    expect(problems).toEqual([]);
  });
});
