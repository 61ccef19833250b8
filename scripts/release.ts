// `npm run release`: writes the provider plugin's release archive into dist/release (scripts/lib/release.ts) and
// prints its path.
import { buildReleaseArchive } from "./lib/release";

buildReleaseArchive({ log: (line) => process.stderr.write(`[release] ${line}\n`) }).then(
  (archive) => process.stdout.write(`${archive.path}\n`),
  (error: unknown) => {
    process.stderr.write(`[release] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
