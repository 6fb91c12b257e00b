import { useTranslations } from "next-intl";
import { CopyButton } from "@/components/ui/copy-button";

/** A value shown exactly once (a link, a key, a password) with a copy button and a warning. */
export function SecretOnce({ label, value, note }: { label: React.ReactNode; value: string; note?: React.ReactNode }) {
  const t = useTranslations("common.ui");
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <p className="text-sm font-semibold text-amber-900">{label}</p>
      <p className="mt-1 text-sm text-amber-900">{note ?? t("shownOnce")}</p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
        <code
          dir="ltr"
          className="block break-all rounded bg-white px-2 py-1.5 text-sm text-slate-900 ring-1 ring-slate-300"
        >
          {value}
        </code>
        <CopyButton value={value} />
      </div>
    </div>
  );
}
