import "server-only";
import { loadConfig, type AppConfig } from "./load";

export type { AppConfig } from "./load";

let cached: AppConfig | undefined;

/** The application's configuration, read and validated once per process. */
export function config(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
