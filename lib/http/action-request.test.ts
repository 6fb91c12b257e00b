import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actionRequestProblem } from "./action-request";

const post = (body: BodyInit, type?: string) =>
  new Request("http://localhost/admin", {
    method: "POST",
    body,
    headers: { "next-action": "abc", ...(type ? { "content-type": type } : {}) },
  });

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

const SHAPE = "the arguments are not in the expected form";

describe("server action requests", () => {
  it("accepts React's reply encoding of (state, form)", async () => {
    expect(
      await actionRequestProblem(
        post(
          form([
            ["_1_name", "x"],
            ["0", '[{"status":"idle"},"$K1"]'],
          ]),
        ),
      ),
    ).toBeNull();
    // A bound null state, a text body, and the plain values React encodes with "$".
    expect(await actionRequestProblem(post(form([["0", '[null,"$K1"]']])))).toBeNull();
    expect(await actionRequestProblem(post('[null,"$K1"]', "text/plain;charset=UTF-8"))).toBeNull();
    expect(
      await actionRequestProblem(
        post(form([["0", '[{"a":"$$x","b":"$undefined","c":"$D2026-01-01T00:00:00.000Z","d":["$n12"]},"$K2"]']])),
      ),
    ).toBeNull();
    // Next itself answers a URL-encoded call (its 404 page, nothing runs).
    expect(await actionRequestProblem(post("a=1", "application/x-www-form-urlencoded"))).toBeNull();
  });

  it("refuses raw bodies of any type that are not the arguments an action takes", async () => {
    // The fuzz run's 500s: a raw text, JSON or garbage body with a valid action id.
    for (const [body, type] of [
      ["[]", "text/plain"],
      ["[1]", "text/plain"],
      ['["$K1"]', "text/plain"],
      ["[null]", "application/json"],
      ['{"callbackUrl":"/admin"}', "application/json"],
      ['[null,"$K1",3]', "text/plain"],
      ['[null,"x"]', "text/plain"],
      ["null", "text/plain"],
      ["<fz1 onmouseover=alert(1)>", "text/html"],
      ["\u0000garbage", undefined],
      ["", "text/plain"],
      // Next tests these types case-sensitively and exactly: anything else is read as a text body.
      ["a=1", "application/x-www-form-urlencoded; charset=utf-8"],
      ["--x\r\n", "Multipart/Form-Data; boundary=x"],
    ] as const)
      expect(await actionRequestProblem(post(body, type)), `${type} ${JSON.stringify(body)}`).toBe(SHAPE);
    // The same as part "0" of a form.
    for (const root of ["[]", "[1]", '["$K1"]', '[null,"$K1","$K2"]', '{"0":1}', "<fz1>", "null"])
      expect(await actionRequestProblem(post(form([["0", root]]))), root).toBe(SHAPE);
  });

  it("refuses references to parts, streams and server functions in the state", async () => {
    for (const state of [
      '"$1"',
      '"$@1"',
      '"$Q1"',
      '"$W1"',
      '"$h1"',
      '"$T"',
      '"$B1"',
      '"$R1"',
      '{"a":["$K1"]}',
      '"$n1x"',
    ])
      expect(await actionRequestProblem(post(`[${state},"$K1"]`, "text/plain")), state).toBe(
        "the arguments carry a reference this form never sends",
      );
  });

  it("refuses unreadable forms and control characters in names, leaving the body readable", async () => {
    expect(await actionRequestProblem(post(form([["_1_name", "x"]])))).toBe("the form does not carry its arguments");
    expect(
      await actionRequestProblem(
        post(
          form([
            ["a\u0000b", "x"],
            ["0", '[null,"$K1"]'],
          ]),
        ),
      ),
    ).toBe("a form field has a control character in its name");
    expect(
      await actionRequestProblem(
        post(
          form([
            ["n".repeat(9000), "x"],
            ["0", '[null,"$K1"]'],
          ]),
        ),
      ),
    ).toBe("a form field name is too long");
    expect(await actionRequestProblem(post("--x\r\nnot a part", "multipart/form-data; boundary=x"))).toBe(
      "the form data could not be read",
    );
    const request = post("[1]", "text/plain");
    await actionRequestProblem(request);
    expect(await request.text()).toBe("[1]");
  });

  it("holds for every server action: each takes (previous state, form) and ignores the state", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name) && /^\s*["']use server["']/.test(readFileSync(full, "utf8")))
          files.push(full);
      }
    };
    for (const dir of ["app", "lib", "components"]) walk(path.join(process.cwd(), dir));
    expect(files.length).toBeGreaterThan(5);
    const wrong: string[] = [];
    let actions = 0;
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(/export\s+async\s+function\s+(\w+)\s*\(([^)]*)\)/g)) {
        actions++;
        const params = (match[2] ?? "")
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean);
        if (params.length !== 2 || !/^_\w*\s*:/.test(params[0] ?? "") || !/:\s*FormData$/.test(params[1] ?? ""))
          wrong.push(`${path.relative(process.cwd(), file)}#${match[1]}(${params.join(", ")})`);
      }
      // Only async functions declared this way are exported from an action module.
      expect(source, file).not.toMatch(/export\s+(const|default|\{)/);
    }
    expect(actions).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });
});
