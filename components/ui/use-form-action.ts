"use client";
import { useActionState } from "react";
import type { ActionState } from "@/lib/auth/action";

const IDLE = { status: "idle" } as const;

/**
 * useActionState for a staff server action (lib/auth/action.ts) that never sends the previous answer back to
 * the server: an answer may hold a shown-once value (an API key, a signing secret, a set-password or
 * onboarding link), which must not travel again with the next submit. The action receives null instead.
 */
export function useFormAction<T = undefined>(action: (previous: never, form: FormData) => Promise<ActionState<T>>) {
  return useActionState<ActionState<T>, FormData>((_previous, form) => action(null as never, form), IDLE);
}
