import { EngineStack } from "../../scripts/lib/engine";

describe("the real Pulumi engine", () => {
  let stack: EngineStack;
  beforeAll(() => {
    stack = EngineStack.create({ program: "scripts/programs/smoke/index.ts", projectName: "smoke" });
  });
  afterAll(() => stack.dispose());

  it("runs preview, up, refresh and destroy of a dynamic resource on a file backend", async () => {
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(preview.changeSummary).toMatchObject({ create: 2 });

    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(up.outputs?.message.value).toBe("hello");
    const types = (up.deployment as { resources: Array<{ type: string }> }).resources.map((r) => r.type);
    expect(types).toContain("pulumi-nodejs:dynamic/smoke:Echo");

    const refresh = await stack.refresh({ expectNoChanges: true });
    expect(refresh.error).toBeUndefined();
    expect(refresh.changeSummary).toMatchObject({ same: 2 });

    const destroy = await stack.destroy();
    expect(destroy.changeSummary).toMatchObject({ delete: 2 });
    expect((destroy.deployment as { resources?: unknown[] }).resources ?? []).toHaveLength(0);
  });

  it("runs the program on Node 22", async () => {
    const up = await stack.up();
    const nodeVersion = String(up.outputs?.nodeVersion.value);
    process.stdout.write(`[engine] program ran on node ${nodeVersion}\n`);
    expect(nodeVersion).toMatch(/^v22\./);
    await stack.destroy();
  });
});
