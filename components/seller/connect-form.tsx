"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Spinner, buttonClass } from "@/components/ui/button";

/**
 * The Connect Noon account button: a plain form POST (works without JavaScript); with JavaScript it
 * shows progress and blocks a double click while the browser leaves for Noon.
 */
export function ConnectForm({ linkToken, label }: { linkToken?: string; label?: string }) {
  const t = useTranslations("seller");
  const [pending, setPending] = useState(false);
  return (
    <form
      method="post"
      action="/api/noon/connect"
      onSubmit={(event) => {
        if (pending) event.preventDefault();
        setPending(true);
      }}
    >
      {linkToken && <input type="hidden" name="link" value={linkToken} />}
      <button
        type="submit"
        disabled={pending}
        aria-disabled={pending}
        className={buttonClass("primary", "w-full sm:w-auto")}
      >
        {pending && <Spinner />}
        <span>{pending ? t("connectButton.pending") : (label ?? t("onboard.connect"))}</span>
      </button>
    </form>
  );
}
