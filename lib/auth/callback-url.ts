/** Where to go after signing in: only our own /admin paths, never another site. */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string") return "/admin";
  if (!/^\/admin(?:[/?#]|$)/.test(value) || value.startsWith("//") || value.includes("\\")) return "/admin";
  if (value.startsWith("/admin/sign-in")) return "/admin";
  return value.slice(0, 2000);
}
