"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While deliveries are still pending: re-renders the page (server components) every few seconds. */
export function RefreshWhilePending({ pending, intervalMs = 3_000 }: { pending: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [pending, intervalMs, router]);
  return null;
}
