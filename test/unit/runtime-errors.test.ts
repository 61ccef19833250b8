// What the dynamic-provider plugin prints for a failed check, diff, read or delete: `${error}: ${error.stack}`.
// Errors raised on purpose arrive as their message after the package name; bugs keep their stack.
import type * as pulumi from "@pulumi/pulumi";
import { AtlasApiError } from "../../provider/atlas/errors";
import { withPlainErrors } from "../../provider/runtime";

const atlasError = new AtlasApiError({
  kind: "http",
  method: "GET",
  path: "/api/atlas/v2/groups/5f1a2b3c4d5e6f7a8b9c0d1e/userSecurity",
  status: 200,
  detail: "unexpected response: it is not valid JSON",
  attempts: 1,
});

async function pluginLine(work: Promise<unknown>): Promise<{ line: string; message: string }> {
  const error = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as Error;
  return { line: `${error}: ${error.stack}`, message: error.message };
}

function failingWith(error: Error): pulumi.dynamic.ResourceProvider {
  const fail = () => Promise.reject(error);
  return withPlainErrors({ check: fail, diff: fail, create: fail, read: fail, update: fail, delete: fail });
}

describe("errors the plugin prints", () => {
  it("shows an Atlas error from check, diff, read or delete as its message, without stack frames", async () => {
    const provider = failingWith(atlasError);
    for (const work of [
      provider.check!({}, {}),
      provider.diff!("id", {}, {}),
      provider.read!("id", {}),
      provider.delete!("id", {}),
    ]) {
      const { line, message } = await pluginLine(work);
      expect(line).toBe(`pulumi-atlas-x509: ${atlasError.message}`);
      expect(line).not.toMatch(/\n\s+at /);
      expect(message).toBe(atlasError.message);
    }
  });

  it("does the same for a configuration problem", async () => {
    const problem = new Error("pulumi-atlas-x509 provider configuration: mongodbatlas:privateKey is not set");
    const { line } = await pluginLine(failingWith(problem).read!("id", {}));
    expect(line).toBe(`pulumi-atlas-x509: ${problem.message}`);
  });

  it("keeps the stack of an error that means a bug", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    const { line } = await pluginLine(failingWith(bug).read!("id", {}));
    expect(line).toMatch(/^TypeError: cannot read properties of undefined: TypeError: .*\n\s+at /);
  });
});
