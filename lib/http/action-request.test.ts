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

describe("server action requests", () => {
  it("accepts React's reply encoding", async () => {
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
    expect(await actionRequestProblem(post("[]", "text/plain;charset=UTF-8"))).toBeNull();
  });

  it("refuses broken arguments, unreadable forms and control characters in names, leaving the body readable", async () => {
    expect(await actionRequestProblem(post(form([["0", "<fz1>"]])))).toBe("the form does not carry its arguments");
    expect(await actionRequestProblem(post(form([["0", "null"]])))).toBe("the form does not carry its arguments");
    expect(await actionRequestProblem(post(form([["_1_name", "x"]])))).toBe("the form does not carry its arguments");
    expect(
      await actionRequestProblem(
        post(
          form([
            ["a\u0000b", "x"],
            ["0", "[]"],
          ]),
        ),
      ),
    ).toBe("a form field has a control character in its name");
    expect(
      await actionRequestProblem(
        post(
          form([
            ["n".repeat(9000), "x"],
            ["0", "[]"],
          ]),
        ),
      ),
    ).toBe("a form field name is too long");
    expect(await actionRequestProblem(post("--x\r\nnot a part", "multipart/form-data; boundary=x"))).toBe(
      "the form data could not be read",
    );
    expect(await actionRequestProblem(post('{"a":1}', "text/plain"))).toBe(
      "the arguments are not in the expected form",
    );
    const request = post("[1]", "text/plain");
    await actionRequestProblem(request);
    expect(await request.text()).toBe("[1]");
  });
});
