// HTML of the Noon simulator's consent screen and its error page. Plain server-rendered HTML:
// real form controls with labels, visible focus, high contrast, usable on a phone.

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const styles = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    background: #f3f4f6; color: #111827; }
  .banner { background: #7c2d12; color: #ffffff; padding: 0.75rem 1rem; font-weight: 700; text-align: center; }
  main { max-width: 32rem; margin: 1.5rem auto; padding: 0 1rem; }
  .card { background: #ffffff; border: 1px solid #d1d5db; border-radius: 0.75rem; padding: 1.5rem; }
  h1 { font-size: 1.375rem; line-height: 1.3; margin: 0 0 0.75rem; }
  p, ul { margin: 0 0 1rem; }
  code { background: #f3f4f6; padding: 0.1rem 0.3rem; border-radius: 0.25rem; word-break: break-all; }
  label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
  .hint { color: #374151; font-size: 0.9375rem; margin: 0 0 0.5rem; }
  input[type=text] { width: 100%; font: inherit; padding: 0.625rem 0.75rem; border: 2px solid #4b5563;
    border-radius: 0.5rem; color: #111827; background: #ffffff; }
  input[aria-invalid=true] { border-color: #b91c1c; }
  .error { color: #991b1b; font-weight: 600; margin: 0.5rem 0 0; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1.5rem; }
  button { flex: 1 1 10rem; min-height: 2.75rem; font: inherit; font-weight: 700; padding: 0.625rem 1rem;
    border-radius: 0.5rem; cursor: pointer; }
  .approve { background: #1d4ed8; color: #ffffff; border: 2px solid #1d4ed8; }
  .decline { background: #ffffff; color: #1f2937; border: 2px solid #4b5563; }
  :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  footer { color: #374151; font-size: 0.875rem; margin-top: 1rem; text-align: center; }
`;

/**
 * The simulator's own small catalogue: its consent page can be clicked through in English or Arabic. Its
 * texts hold no markup characters, so they go into the page as they are.
 */
export type SimLanguage = "en" | "ar";

const TEXT = {
  en: {
    banner: "Noon simulator — not the real Noon",
    footer: "This page is served by a local test simulator. No real Noon account is involved.",
    suffix: "Noon simulator",
    title: "Authorize access",
    heading: "Allow this application to access your Noon seller account?",
    intro: (client: string) =>
      `The application ${client} asks to create a service account with API access to one of your seller projects.`,
    point1: "It will receive a new API key for the project you choose.",
    point2: "You can revoke that key at any time in the Noon Partners Access App.",
    projectLabel: "Seller project code",
    projectHint: 'Simulated seller project: "PRJ" followed by 5 to 8 digits.',
    projectError: 'Enter a project code: "PRJ" followed by 5 to 8 digits.',
    approve: "Approve",
    decline: "Decline",
  },
  ar: {
    banner: "محاكي نون — ليس نون الحقيقي",
    footer: "تعرض هذه الصفحة محاكيًا محليًا للاختبار. لا يُستخدم أي حساب حقيقي على نون.",
    suffix: "محاكي نون",
    title: "تفويض الوصول",
    heading: "هل تسمح لهذا التطبيق بالوصول إلى حسابك كبائع على نون؟",
    intro: (client: string) =>
      `يطلب التطبيق ${client} إنشاء حساب خدمة يتيح الوصول عبر الواجهة البرمجية إلى أحد مشاريعك كبائع.`,
    point1: "سيحصل على مفتاح API جديد للمشروع الذي تختاره.",
    point2: "يمكنك إلغاء هذا المفتاح في أي وقت من تطبيق Noon Partners Access.",
    projectLabel: "رمز مشروع البائع",
    projectHint: "مشروع بائع تجريبي: PRJ متبوعًا بـ 5 إلى 8 أرقام.",
    projectError: "أدخل رمز مشروع: PRJ متبوعًا بـ 5 إلى 8 أرقام.",
    approve: "موافقة",
    decline: "رفض",
  },
} satisfies Record<SimLanguage, Record<string, string | ((client: string) => string)>>;

/**
 * The language of the consent page: `ui_locales` (OpenID Connect's parameter) when given, else the app's
 * `NEXT_LOCALE` cookie (cookies do not depend on the port, so on one host the app's choice carries over),
 * else Accept-Language; English otherwise.
 */
export function simLanguage(input: {
  uiLocales?: string | null;
  cookieHeader?: string | null;
  acceptLanguage?: string | null;
}): SimLanguage {
  const pick = (tags: string[]): SimLanguage | null => {
    for (const tag of tags) {
      const base = tag.trim().split(/[-;]/)[0]?.toLowerCase();
      if (base === "ar" || base === "en") return base;
    }
    return null;
  };
  const cookie = /(?:^|;\s*)NEXT_LOCALE=([a-z]{2})/.exec(input.cookieHeader ?? "")?.[1] ?? null;
  return (
    pick((input.uiLocales ?? "").split(" ")) ??
    pick(cookie ? [cookie] : []) ??
    pick((input.acceptLanguage ?? "").split(",").filter((r) => !/;\s*q=0(?:\.0*)?\s*$/.test(r))) ??
    "en"
  );
}

/** The message shown when the project code is not valid, in the page's language. */
export function projectCodeError(lang: SimLanguage): string {
  return TEXT[lang].projectError;
}

function layout(title: string, body: string, lang: SimLanguage = "en"): string {
  const t = TEXT[lang];
  return `<!doctype html>
<html lang="${lang}" dir="${lang === "ar" ? "rtl" : "ltr"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} — ${escapeHtml(t.suffix)}</title>
<style>${styles}</style>
</head>
<body>
<div class="banner" role="note">${escapeHtml(t.banner)}</div>
<main>
${body}
<footer>${escapeHtml(t.footer)}</footer>
</main>
</body>
</html>`;
}

export type ConsentPageInput = {
  requestId: string;
  clientId: string;
  projectCode: string;
  /** Shown next to the project code field when the last submission was invalid. */
  projectCodeError?: string;
  lang?: SimLanguage;
};

export function renderConsentPage(input: ConsentPageInput): string {
  const lang = input.lang ?? "en";
  const t = TEXT[lang];
  const err = input.projectCodeError;
  const invalid = err
    ? ' aria-invalid="true" aria-describedby="project-code-hint project-code-error"'
    : ' aria-describedby="project-code-hint"';
  const client = `<bdi dir="ltr"><code>${escapeHtml(input.clientId)}</code></bdi>`;
  return layout(
    t.title,
    `<div class="card">
<h1>${escapeHtml(t.heading)}</h1>
<p>${t.intro(client)}</p>
<ul>
  <li>${escapeHtml(t.point1)}</li>
  <li>${escapeHtml(t.point2)}</li>
</ul>
<form method="post" action="/authorize/decision">
  <input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
  <input type="hidden" name="ui_locales" value="${lang}">
  <label for="project-code">${escapeHtml(t.projectLabel)}</label>
  <p class="hint" id="project-code-hint">${escapeHtml(t.projectHint)}</p>
  <input type="text" id="project-code" name="project_code" value="${escapeHtml(input.projectCode)}" dir="ltr"
    required pattern="PRJ[0-9]{5,8}" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text"${invalid}>
  ${err ? `<p class="error" id="project-code-error" role="alert">${escapeHtml(err)}</p>` : ""}
  <div class="actions">
    <button type="submit" class="approve" name="decision" value="approve">${escapeHtml(t.approve)}</button>
    <button type="submit" class="decline" name="decision" value="decline" formnovalidate>${escapeHtml(t.decline)}</button>
  </div>
</form>
</div>`,
    lang,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return layout(
    title,
    `<div class="card" role="alert">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</div>`,
  );
}

/** GET /__sim/keys: the seller keys this simulator issued, each with a Revoke button (development). */
export function renderKeysPage(
  keys: readonly { keyId: string; projectCode: string; issuedAt: string; revokedAt?: string }[],
): string {
  const rows = keys
    .map(
      (k) =>
        `<tr><td><code>${escapeHtml(k.projectCode)}</code></td><td><code>${escapeHtml(k.keyId)}</code></td><td>${escapeHtml(k.issuedAt)}</td><td>${
          k.revokedAt
            ? `Revoked ${escapeHtml(k.revokedAt)}`
            : `<form method="post" action="/__sim/keys/revoke"><input type="hidden" name="keyId" value="${escapeHtml(k.keyId)}"><button type="submit">Revoke</button></form>`
        }</td></tr>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Noon simulator – issued keys</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.4rem .6rem;text-align:left}button{padding:.3rem .8rem}</style></head>
<body><p><strong>Noon simulator</strong> (development only)</p><h1>Issued seller keys</h1>
<p>Revoking a key makes every later login with it fail, as when Noon deactivates a key.</p>
${keys.length ? `<table><thead><tr><th scope="col">Project</th><th scope="col">Key id</th><th scope="col">Issued</th><th scope="col">State</th></tr></thead><tbody>${rows}</tbody></table>` : "<p>No key issued yet.</p>"}
</body></html>`;
}
