import { describe, expect, it } from "vitest";
import { englishOf, isMessageKey } from "./message-ref";

describe("message references", () => {
  it("gives the English text of a key with its values and tags", () => {
    expect(englishOf({ key: "admin.serverErrors.internal", values: { reference: "ref-1" } })).toContain(
      "tell the team this reference: ref-1",
    );
    expect(englishOf({ key: "admin.serverErrors.field.tooLong", values: { maximum: 1 } })).toBe(
      "Enter at most 1 character.",
    );
  });

  it("tells a catalogue key from plain text", () => {
    expect(isMessageKey("admin.serverErrors.field.required")).toBe(true);
    expect(isMessageKey("admin.serverErrors.field")).toBe(false);
    expect(isMessageKey("Enter the seller's name.")).toBe(false);
    expect(isMessageKey("constructor")).toBe(false);
  });
});
