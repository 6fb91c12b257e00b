/**
 * An identifier inside running text (a reference, oauth_request_id, project code, key id, e-mail, URL):
 * always left to right and isolated, so Arabic text around it never reorders its characters.
 */
export function Ident({
  children,
  className = "font-mono",
  code = false,
}: {
  children: React.ReactNode;
  className?: string;
  /** Shown as code (a grey chip), for references a person may have to read out or copy. */
  code?: boolean;
}) {
  const chip = code ? "rounded bg-slate-200 px-1.5 py-0.5 font-mono text-slate-900 break-all" : className;
  return (
    <bdi dir="ltr" className={chip}>
      {children}
    </bdi>
  );
}
