// `npm run generate`: rewrites schema.json and the SDKs under sdk/ from the provider's property tables. Run it after
// changing a resource's properties, the settings, or provider/plugin/distribution.ts, and commit the result; the
// tests fail while either is stale. `npm run generate -- <folder>` writes them under another folder instead (the
// tests compare that with the committed files).
import { generate } from "./lib/sdk-generation";
import { repoRoot } from "./lib/repo-root";

generate(process.argv[2] ?? repoRoot);
