import localFont from "next/font/local";

// Noto Sans Arabic (SIL Open Font License 1.1, app/fonts/NotoSansArabic-OFL.txt), bundled with the app:
// nothing is fetched at build or run time. Only its Arabic range is declared, so Latin text keeps the
// system font and English pages never download it.
export const arabicFont = localFont({
  src: "./fonts/noto-sans-arabic-arabic-wght-normal.woff2",
  weight: "100 900",
  style: "normal",
  display: "swap",
  preload: false,
  variable: "--font-arabic",
  // The fallbacks are in app/globals.css: here they would come first and take the Latin text too.
  fallback: [],
  adjustFontFallback: false,
  declarations: [
    {
      prop: "unicode-range",
      value:
        "U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC",
    },
  ],
});
