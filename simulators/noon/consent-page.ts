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

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} — Noon simulator</title>
<style>${styles}</style>
</head>
<body>
<div class="banner" role="note">Noon simulator — not the real Noon</div>
<main>
${body}
<footer>This page is served by a local test simulator. No real Noon account is involved.</footer>
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
};

export function renderConsentPage(input: ConsentPageInput): string {
  const err = input.projectCodeError;
  const invalid = err
    ? ' aria-invalid="true" aria-describedby="project-code-hint project-code-error"'
    : ' aria-describedby="project-code-hint"';
  return layout(
    "Authorize access",
    `<div class="card">
<h1>Allow this application to access your Noon seller account?</h1>
<p>The application <code>${escapeHtml(input.clientId)}</code> asks to create a service account
with API access to one of your seller projects.</p>
<ul>
  <li>It will receive a new API key for the project you choose.</li>
  <li>You can revoke that key at any time in the Noon Partners Access App.</li>
</ul>
<form method="post" action="/authorize/decision">
  <input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
  <label for="project-code">Seller project code</label>
  <p class="hint" id="project-code-hint">Simulated seller project: "PRJ" followed by 5 to 8 digits.</p>
  <input type="text" id="project-code" name="project_code" value="${escapeHtml(input.projectCode)}"
    required pattern="PRJ[0-9]{5,8}" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text"${invalid}>
  ${err ? `<p class="error" id="project-code-error" role="alert">${escapeHtml(err)}</p>` : ""}
  <div class="actions">
    <button type="submit" class="approve" name="decision" value="approve">Approve</button>
    <button type="submit" class="decline" name="decision" value="decline" formnovalidate>Decline</button>
  </div>
</form>
</div>`,
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
