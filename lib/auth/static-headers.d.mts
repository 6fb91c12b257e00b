export function securityHeaders(production: boolean): Record<string, string>;
export const API_CONTENT_SECURITY_POLICY: string;
