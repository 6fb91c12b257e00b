import { createFormatter, createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { FORMATS } from "@/lib/i18n/formats";
import { CATALOGUES } from "@/lib/i18n/messages";
import { formatCount, formatGap } from "./format";

function gapIn(locale: string, language: "en" | "ar") {
  const format = createFormatter({ locale, timeZone: "UTC" });
  const t = createTranslator({ locale, messages: CATALOGUES[language], namespace: "admin.support.gap" });
  return (ms: number | null) => formatGap(ms, (unit, values) => t(unit, values), format);
}

describe("timeline gaps and counts in the reader's language", () => {
  it("English keeps the short units", () => {
    const gap = gapIn("en-GB", "en");
    expect([gap(null), gap(450), gap(1_200), gap(45_000), gap(185_000), gap(7_800_000), gap(2 * 86_400_000)]).toEqual([
      "—",
      "+450 ms",
      "+1.2 s",
      "+45 s",
      "+3 min 5 s",
      "+2 h 10 min",
      "+2 d 0 h",
    ]);
  });

  it("Arabic uses Arabic units, and Saudi and Egyptian digits where the region writes them", () => {
    expect(gapIn("ar-AE", "ar")(185_000)).toBe("+3 د 5 ث");
    expect(gapIn("ar-SA", "ar")(1_200)).toBe("+١٫٢ ث");
    expect(gapIn("ar-EG", "ar")(-450)).toBe("−٤٥٠ ملي ث");
  });

  it("counts are formatted with the reader's digits", () => {
    const sa = createFormatter({ locale: "ar-SA", formats: FORMATS });
    expect(formatCount({ count: 1234, exact: true, estimated: false }, sa)).toBe("١٬٢٣٤");
    expect(
      formatCount(
        { count: 10_000, exact: false, estimated: false },
        createFormatter({ locale: "en-GB", formats: FORMATS }),
      ),
    ).toBe("10,000+");
    expect(formatCount({ count: null, exact: false, estimated: false }, sa)).toBe("—");
  });
});
