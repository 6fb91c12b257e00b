// What every Arabic page of the e2e run must be (e2e/seller-arabic.spec.ts and the two staff tours): right to
// left, accessible, within the viewport; each kept as a screenshot.
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { expect, keepPage } from "./fixtures";

/**
 * Elements whose box leaves the viewport sideways, and the document's own width. Visually hidden elements
 * and what lies inside a sideways-scrolling region (a wide table on a phone) are not overflow.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width)
      problems.push(`document is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport`);
    const scrolls = (el: Element) => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.clip !== "auto" || style.clipPath !== "none") continue;
      let inScroller = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrolls(p)) inScroller = true;
      if (inScroller) continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${String(el.className).split(" ")[0]}`;
        problems.push(`${name} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
      }
    }
    return problems;
  });
}

/** `keepAs`: the name the page's HTML is kept under for the secret scan, or false for a page that shows a secret once. */
export async function checkArabicPage(page: Page, testInfo: TestInfo, name: string, keepAs: string | false) {
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  expect(await horizontalOverflow(page)).toEqual([]);
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
  if (keepAs) await keepPage(page, keepAs);
}
