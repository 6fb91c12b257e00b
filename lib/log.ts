import "server-only";
import pino, { type Logger } from "pino";
import { config } from "@/lib/config/env";

// Field names whose values must never reach a log line, wherever they appear.
const SECRET_KEYS = [
  "password",
  "passwordHash",
  "private_key",
  "privateKey",
  "client_secret",
  "clientSecret",
  "secretId",
  "access_token",
  "accessToken",
  "refresh_token",
  "token",
  "code",
  "state",
  "authorization",
  "cookie",
  "secret",
  "SecretString",
  "sealed",
  "apiKey",
];
const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

let logger: Logger | undefined;

/** The application logger (JSON lines, secrets redacted by field name). */
export function log(): Logger {
  if (logger) return logger;
  const cfg = config();
  // Asynchronous writes (a buffer flushed in the background), so a log line never blocks a request; the
  // rest is flushed synchronously at exit. Tests write synchronously: their scan reads the file at once.
  const destination = cfg.logFile
    ? pino.destination({ dest: cfg.logFile, append: true, sync: cfg.nodeEnv === "test", mkdir: true })
    : pino.destination({ dest: 1, sync: false });
  process.once("exit", () => {
    try {
      destination.flushSync();
    } catch {
      // Nothing left to write, or the file is gone: nothing more can be done at exit.
    }
  });
  logger = pino(
    {
      level: cfg.logLevel,
      base: { app: "seller-onboarding" },
      redact: { paths: redactPaths, censor: "[REDACTED]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  return logger;
}
