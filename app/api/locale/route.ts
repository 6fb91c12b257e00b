// POST /api/locale – the language switch: remembers the chosen language in a cookie, 303 back to the page.
import { switchLanguage } from "@/lib/i18n/switch";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return switchLanguage(request);
}
