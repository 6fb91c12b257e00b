export function securityHeaders(production: boolean): Record<string, string>;
export const API_CONTENT_SECURITY_POLICY: string;
export const SELLER_ROUTE_CONTENT_SECURITY_POLICY: string;
export const NOON_CALLBACK_PATH: string;
export function noonCallbackHeaders(): Record<string, string>;
