import { z } from "zod";

/**
 * Free text typed into a search or filter field: at most 200 characters, trimmed, blank means absent.
 * PostgreSQL text cannot hold NUL, so a typed or pasted one is dropped rather than sent to a query.
 */
export const searchTextSchema = z
  .string()
  .max(200)
  .optional()
  .transform((v) => v?.replace(/\u0000/g, "").trim() || undefined);
