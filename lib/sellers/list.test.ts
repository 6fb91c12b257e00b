import { describe, expect, it } from "vitest";
import { listSellersForDashboard, sellerListParamsSchema } from "./list";

describe("the dashboard's sellers list", () => {
  it("drops a NUL from the search (PostgreSQL text cannot hold one) instead of failing the page", async () => {
    const params = sellerListParamsSchema.parse({ q: "a\u0000b", cursor: "\u0000" });
    expect(params).toEqual({ q: "ab", cursor: undefined });
    await expect(listSellersForDashboard(params)).resolves.toMatchObject({ rows: expect.any(Array) });
  });
});
