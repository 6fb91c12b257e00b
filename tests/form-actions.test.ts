import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// A staff action's answer may hold a shown-once value (an API key, a signing secret, a link); with
// useActionState the previous answer is posted back on the next submit, so staff forms go through
// useFormAction (components/ui/use-form-action.ts), which sends null instead.
function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsxFiles(join(dir, e.name)) : e.name.endsWith(".tsx") ? [join(dir, e.name)] : [],
  );
}

describe("staff forms", () => {
  it("never post a previous ActionState back to the server", () => {
    const offenders = [...tsxFiles("components"), ...tsxFiles("app")].filter((file) =>
      /useActionState<\s*ActionState/.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
