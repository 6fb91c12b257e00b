import { useTranslations } from "next-intl";
import { Ident } from "@/components/i18n/ident";

/**
 * A failure or event stage in the reader's language, followed by its code (token_exchange…), which support
 * and engineers search logs by; an unknown code alone.
 */
export function StageName({ stage }: { stage: string }) {
  const t = useTranslations("admin.support.stage");
  const key = stage as Parameters<typeof t>[0];
  const code = <Ident className="font-mono text-xs font-normal text-slate-600">{stage}</Ident>;
  if (!t.has(key)) return code;
  return (
    <>
      {t(key)} {code}
    </>
  );
}
