// The security headers of every response (proxy.ts sets them; next.config.ts sets the static ones
// for files served without the proxy). No "server-only": the proxy bundle imports it.

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Scripts only from our origin with this request's nonce ('strict-dynamic' lets Next's nonced loader
 * add its chunks); no inline scripts. Forms may post only to us, and (because a form post's redirect is
 * checked too) to Noon's consent page and the single-sign-on provider.
 */
export function contentSecurityPolicy(opts: {
  nonce: string;
  development: boolean;
  formTargets: (string | undefined | null)[];
}): string {
  const formTargets = opts.formTargets.map(originOf).filter((o): o is string => o !== null);
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.development ? " 'unsafe-eval'" : ""}`,
    // React and Next set style attributes; styles cannot run code, so inline styles stay allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${formTargets.join(" ")}`.trim(),
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

export function securityHeaders(production: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
