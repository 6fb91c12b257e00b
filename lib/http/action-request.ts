// Server action calls (POST with a `Next-Action` header) carry React's reply encoding: a JSON array of
// arguments, as a text body or as part "0" of a multipart form. Next answers 500 when that encoding is
// broken or when an action receives arguments of another shape than it takes (found by tests/fuzz/fuzz.ts),
// so proxy.ts checks it first and answers 400 with a clear message.
// Every server action of this app takes (previous state, form) and ignores the state: forms without
// useActionState bind null (app/admin/layout.tsx). So the only shape a page ever sends is
// [state, "$K<n>"], the state being plain JSON; lib/http/action-request.test.ts checks every action's signature.
// Kept free of "server-only": proxy.ts imports it.

const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_NAME_BYTES = 8 * 1024;
/** The reference to the submitted form (React encodes a FormData as "$K" and its part number). */
const FORM_REFERENCE = /^\$K\d{1,9}$/;
/** React's encodings of plain values in a state: an escaped "$", undefined, NaN, ±Infinity, -0, a Date, a BigInt. */
const PLAIN_VALUE = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|D|n\d{1,300}$)/;

/** Whether a state holds only plain values: any other "$" string refers to a part, a stream, a Map… */
function plainState(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (typeof value === "string") return !value.startsWith("$") || PLAIN_VALUE.test(value);
  if (Array.isArray(value)) return value.every((v) => plainState(v, depth + 1));
  if (value && typeof value === "object") return Object.values(value).every((v) => plainState(v, depth + 1));
  return true;
}

/** Why an argument list is not [state, form], or null when it is. */
function argumentsProblem(text: string): string | null {
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    return "the arguments are not in the expected form";
  }
  if (!Array.isArray(args) || args.length !== 2 || typeof args[1] !== "string" || !FORM_REFERENCE.test(args[1]))
    return "the arguments are not in the expected form";
  if (!plainState(args[0])) return "the arguments carry a reference this form never sends";
  return null;
}

/** Why a server action request cannot be decoded, or null when it can (the body is read from a clone). */
export async function actionRequestProblem(request: Request): Promise<string | null> {
  // Next tells the encodings apart by these exact, case-sensitive tests (server-action-request-meta in next).
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await request.clone().formData();
    } catch {
      return "the form data could not be read";
    }
    for (const name of form.keys()) {
      if (CONTROL.test(name)) return "a form field has a control character in its name";
      // Next's multipart parser refuses a part header over 16 KB.
      if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return "a form field name is too long";
    }
    const root = form.get("0");
    if (typeof root !== "string") return "the form does not carry its arguments";
    return argumentsProblem(root);
  }
  // Next answers a URL-encoded action call with its 404 page without running anything.
  if (type === "application/x-www-form-urlencoded") return null;
  const text = await request
    .clone()
    .text()
    .catch(() => null);
  if (text === null) return "the arguments are not in the expected form";
  return argumentsProblem(text);
}

/** The 400 answer for such a request (plain text: the caller is a script or a broken page). */
export function actionRequestRefusal(problem: string): Response {
  return new Response(`This form submission could not be read (${problem}). Reload the page and try again.\n`, {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
