// Types next-intl checks message keys and format names against (messages/en.json is the reference).
import type en from "./messages/en.json";
import type { FORMATS } from "./lib/i18n/formats";

declare module "next-intl" {
  interface AppConfig {
    Messages: typeof en;
    Formats: typeof FORMATS;
  }
}
