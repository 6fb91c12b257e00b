"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";

/** Copies `value` to the clipboard and says so, for screen readers too. */
export function CopyButton({ value, label }: { value: string; label?: string }) {
  const t = useTranslations("common.ui");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-900 hover:bg-slate-100"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setState("copied");
          } catch {
            setState("failed");
          }
        }}
      >
        {label ?? t("copy")}
      </button>
      <span role="status" aria-live="polite" className="text-sm text-slate-700">
        {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : null}
      </span>
    </span>
  );
}
