// What a staff password must be: 12 to 1024 characters, not a documented example, and strong by
// zxcvbn's estimate (score ≥ 3 of 4, with the common and English dictionaries). Kept free of
// "server-only" so lib/config can refuse a weak ADMIN_PASSWORD at start.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as zxcvbnCommon from "@zxcvbn-ts/language-common";
import * as zxcvbnEn from "@zxcvbn-ts/language-en";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_SCORE = 3;

/** Passwords printed in this repository's documentation (.env.example, README): never accepted. */
export const DOCUMENTED_PASSWORDS: readonly string[] = ["change-me-on-first-sign-in"];

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEn.translations,
  });
  return factory;
}

/**
 * Why `password` may not be a staff password, in a sentence for the person choosing it, or null when
 * it is acceptable. `related`: the account's e-mail, name and the like, which make a password guessable.
 */
export function passwordProblem(
  password: string,
  related: ReadonlyArray<string | null | undefined> = [],
): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (DOCUMENTED_PASSWORDS.includes(password.normalize("NFKC"))) {
    return "This password is printed in the documentation: choose one of your own.";
  }
  const inputs = related
    .flatMap((value) => (value ? [value, ...value.split(/[@.\s_-]+/)] : []))
    .filter((v) => v.length >= 3);
  // zxcvbn's cost grows with length; the first 128 characters decide the estimate.
  const result = estimator().check(password.slice(0, 128), [...inputs, ...DOCUMENTED_PASSWORDS]);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  return `This password is too easy to guess.${why ? ` ${why}` : ""} A few unrelated words or a password manager's suggestion work well.`;
}
