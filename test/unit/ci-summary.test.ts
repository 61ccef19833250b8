// The closing line of .ci/run: a test file that failed without a failing test still counts as a failure. The inputs
// are jest's JSON results as `jest --json` wrote them for such files (messages shortened).
import { summarize, type JestResults } from "../../scripts/ci-summary";

const root = "/repo";
const passing = {
  name: "/repo/test/unit/pem.test.ts",
  status: "passed",
  message: "",
  assertionResults: [{ status: "passed" }],
};

function results(testResults: JestResults["testResults"], numPassedTests: number, numFailedTests: number): JestResults {
  return { numPassedTests, numFailedTests, testResults };
}

describe("the CI summary line", () => {
  it("is jest's counts when every file ran", () => {
    const failing = {
      ...passing,
      name: "/repo/test/unit/b.test.ts",
      status: "failed",
      assertionResults: [{ status: "failed" }],
    };
    expect(summarize(results([passing, failing], 5, 1), root)).toEqual({
      passed: 5,
      failed: 1,
      brokenFiles: [],
      line: "5 passed, 1 failed",
    });
  });

  it("counts a file that threw while it loaded, and names it with its reason", () => {
    const threw = {
      name: "/repo/test/unit/zz-throws-at-load.test.ts",
      status: "failed",
      message:
        '  ● Test suite failed to run\n\n    this suite throws while it loads\n\n    > 1 | throw new Error("...");',
      assertionResults: [],
    };
    expect(summarize(results([passing, threw], 5, 0), root)).toEqual({
      passed: 5,
      failed: 1,
      brokenFiles: ["test/unit/zz-throws-at-load.test.ts: this suite throws while it loads"],
      line: "5 passed, 1 failed",
    });
  });

  it("counts a file whose afterAll failed after all its tests passed", () => {
    const hookFailed = {
      name: "/repo/test/engine/x.test.ts",
      status: "failed",
      message: "\n\n  ● Test suite failed to run\n\n    afterAll fails after every test passed\n",
      assertionResults: [{ status: "passed" }],
    };
    expect(summarize(results([hookFailed], 1, 0), root).line).toBe("1 passed, 1 failed");
  });

  it("names a broken file even when jest gave no message", () => {
    const silent = { name: "/repo/test/unit/c.test.ts", status: "failed", assertionResults: [] };
    expect(summarize(results([silent], 0, 0), root).brokenFiles).toEqual(["test/unit/c.test.ts: failed to run"]);
  });
});
