// Server action calls (POST with a `Next-Action` header) carry React's reply encoding: a JSON array of
// arguments, as a text body or as part "0" of a multipart form. Next answers 500 when that encoding is
// broken (found by tests/fuzz/fuzz.ts), so proxy.ts checks it first and answers 400 with a clear message.
// Kept free of "server-only": proxy.ts imports it.

const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_NAME_BYTES = 8 * 1024;

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

/** Why a server action request cannot be decoded, or null when it can (the body is read from a clone). */
export async function actionRequestProblem(request: Request): Promise<string | null> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
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
    if (typeof root !== "string" || !isJsonArray(root)) return "the form does not carry its arguments";
    return null;
  }
  if (type.startsWith("application/x-www-form-urlencoded")) return null;
  const text = await request
    .clone()
    .text()
    .catch(() => null);
  if (text === null || !isJsonArray(text)) return "the arguments are not in the expected form";
  return null;
}

/** The 400 answer for such a request (plain text: the caller is a script or a broken page). */
export function actionRequestRefusal(problem: string): Response {
  return new Response(`This form submission could not be read (${problem}). Reload the page and try again.\n`, {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
