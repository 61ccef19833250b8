// digest-fetch is ESM-only. Under `module: node16` tsc keeps this import() as a real dynamic import in the CommonJS
// output, so the package is loaded on first use of digest auth and never at module load. (Jest cannot run such an
// import without --experimental-vm-modules; tests mock this module, see test/support/digest-fetch-cjs.ts.)
import type { DigestClient } from "digest-fetch" with { "resolution-mode": "import" };

export function loadDigestFetch(): Promise<{ default: typeof DigestClient }> {
  return import("digest-fetch");
}
