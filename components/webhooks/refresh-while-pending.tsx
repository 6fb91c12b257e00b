"use client";
import { useRouter } from "next/navigation";
import { usePoll } from "@/components/ui/use-poll";

/** While deliveries are still pending: re-renders the page (server components) every few seconds. */
export function RefreshWhilePending({ pending, intervalMs = 3_000 }: { pending: boolean; intervalMs?: number }) {
  const router = useRouter();
  usePoll(async () => router.refresh(), { intervalMs, enabled: pending });
  return null;
}
