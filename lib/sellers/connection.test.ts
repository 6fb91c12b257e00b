import { describe, expect, it } from "vitest";
import { hasConnectedNoonAccount, sellerConnectionState } from "./connection";

describe("what connected means for a seller", () => {
  it("is connected with an active credential, whatever else it has", () => {
    expect(sellerConnectionState([{ status: "SUPERSEDED" }, { status: "ACTIVE" }])).toBe("connected");
    expect(sellerConnectionState([{ status: "PENDING_STORAGE" }, { status: "ACTIVE" }])).toBe("connected");
  });

  it("is storing the key while Noon's key waits for the secret store", () => {
    expect(sellerConnectionState([{ status: "PENDING_STORAGE" }, { status: "SUPERSEDED" }])).toBe("storing_key");
    expect(hasConnectedNoonAccount([{ status: "PENDING_STORAGE" }])).toBe(true);
  });

  it("is not connected with no credential or only replaced ones", () => {
    expect(sellerConnectionState([])).toBe("not_connected");
    expect(sellerConnectionState([{ status: "SUPERSEDED" }, { status: "SUPERSEDED" }])).toBe("not_connected");
    expect(hasConnectedNoonAccount([{ status: "SUPERSEDED" }])).toBe(false);
  });
});
