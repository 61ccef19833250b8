// `npm run release`: writes the provider plugin's release archives into dist/release, one per platform
// (scripts/lib/release.ts), and prints their paths, one a line.
import { buildReleaseArchive, RELEASE_PLATFORMS } from "./lib/release";

async function main(): Promise<void> {
  for (const platform of RELEASE_PLATFORMS) {
    const archive = await buildReleaseArchive({
      platform,
      log: (line) => process.stderr.write(`[release] ${line}\n`),
    });
    process.stdout.write(`${archive.path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[release] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
