import { createFormatter } from "next-intl";
import { describe, expect, it } from "vitest";
import { FORMATS, TIME_ZONE } from "./formats";
import { directionOf, languageOf } from "./locales";
import { translator } from "./messages";
import {
  chooseLanguage,
  cookieValue,
  formattingLocale,
  languageFromAcceptLanguage,
  parseAcceptLanguage,
} from "./negotiate";

describe("language negotiation", () => {
  it("reads Accept-Language by weight, then order; drops q=0 and junk", () => {
    expect(parseAcceptLanguage("fr;q=0.5, ar-EG, en;q=0.8, de;q=0, ;;;, x y")).toEqual([
      { tag: "ar-eg", q: 1 },
      { tag: "en", q: 0.8 },
      { tag: "fr", q: 0.5 },
    ]);
    expect(languageFromAcceptLanguage("fr-FR, ar-SA;q=0.9, en;q=0.8")).toBe("ar");
    expect(languageFromAcceptLanguage("fr-FR, de")).toBeNull();
    expect(languageFromAcceptLanguage(undefined)).toBeNull();
  });

  it("the person's own choice first, then the link's language, then the browser's, then English", () => {
    expect(chooseLanguage({ cookie: "en", linkLocale: "ar", acceptLanguage: "ar" })).toBe("en");
    expect(chooseLanguage({ cookie: null, linkLocale: "ar", acceptLanguage: "en" })).toBe("ar");
    expect(chooseLanguage({ cookie: "xx", linkLocale: null, acceptLanguage: "ar-AE,en;q=0.5" })).toBe("ar");
    expect(chooseLanguage({})).toBe("en");
  });

  it("formats Arabic in the region the browser names (UAE by default), English as en-GB", () => {
    expect(formattingLocale("ar", "ar-EG,ar;q=0.9")).toBe("ar-EG");
    expect(formattingLocale("ar", "en-US, ar-sa;q=0.5")).toBe("ar-SA");
    expect(formattingLocale("ar", "ar-MA, ar")).toBe("ar-AE");
    expect(formattingLocale("ar", null)).toBe("ar-AE");
    expect(formattingLocale("en", "ar-EG")).toBe("en-GB");
    expect(directionOf("ar-EG")).toBe("rtl");
    expect(directionOf("en-GB")).toBe("ltr");
    expect(languageOf("ar-SA")).toBe("ar");
  });

  it("finds a cookie among others", () => {
    expect(cookieValue("a=1; NEXT_LOCALE=ar; b=2", "NEXT_LOCALE")).toBe("ar");
    expect(cookieValue("XNEXT_LOCALE=ar", "NEXT_LOCALE")).toBeNull();
  });

  it("Arabic plurals pick the right form", () => {
    const t = translator("ar", "common");
    expect([1, 2, 3, 11, 100].map((seconds) => t("waitSeconds", { seconds }))).toEqual([
      "ثانية واحدة",
      "ثانيتين",
      "3 ثوانٍ",
      "11 ثانية",
      "100 ثانية",
    ]);
    expect(translator("en", "common")("waitMinutes", { minutes: 1 })).toBe("1 minute");
  });

  it("formats dates, numbers and relative times in each region's way", () => {
    const at = new Date("2026-11-30T21:05:00Z");
    const now = new Date("2026-11-30T21:08:00Z");
    const formatted = Object.fromEntries(
      ["en-GB", "ar-AE", "ar-SA", "ar-EG"].map((locale) => {
        const format = createFormatter({ locale, timeZone: TIME_ZONE, formats: FORMATS });
        return [
          locale,
          {
            date: format.dateTime(at, "dateTimeZone"),
            number: format.number(1234.5),
            relative: format.relativeTime(at, now),
          },
        ];
      }),
    );
    expect(formatted["en-GB"]).toEqual({
      date: "30 Nov 2026, 21:05 UTC",
      number: "1,234.5",
      relative: "3 minutes ago",
    });
    // The UAE writes Latin digits; Saudi Arabia and Egypt write Arabic-Indic ones.
    expect(formatted["ar-AE"]?.number).toBe("1,234.5");
    expect(formatted["ar-SA"]?.number).toBe("١٬٢٣٤٫٥");
    expect(formatted["ar-EG"]?.date).toContain("٢٠٢٦");
    expect(formatted["ar-EG"]?.relative).toMatch(/^قبل /);
  });
});
