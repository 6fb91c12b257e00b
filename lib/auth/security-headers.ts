// The security headers of every response (proxy.ts sets them; next.config.mjs sets the static ones
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

export {
  API_CONTENT_SECURITY_POLICY,
  SELLER_ROUTE_CONTENT_SECURITY_POLICY,
  securityHeaders,
} from "./static-headers.mjs";
