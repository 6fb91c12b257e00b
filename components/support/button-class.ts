// The look of components/ui/button.tsx's buttons for links and plain buttons rendered by server
// components: that module is "use client", so its buttonClass() cannot be called on the server.
type Variant = "primary" | "secondary";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-brand-700 text-white hover:bg-brand-800",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-100",
};

export function supportButtonClass(variant: Variant = "primary"): string {
  return `inline-flex min-h-10 items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-700 focus-visible:ring-offset-2 ${VARIANTS[variant]}`;
}
