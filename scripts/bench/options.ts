// Command-line options of `npm run bench` and the sizes they select.

export const args = process.argv.slice(2);
export const quick = args.includes("--quick");
const runsArg = args.indexOf("--runs");
export const runs = quick ? 1 : runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1])) : 3;
export const sizes = quick ? [10] : [10, 50, 100];
export const profileSize = quick ? 10 : 50;
export const pluginRuns = quick ? 3 : 7;
/** Certificates of a stack belong to this many users: refresh should list each user once, not each certificate. */
export const userCount = 5;
export const usernames = Array.from({ length: userCount }, (_, i) => `svc-${i}`);
