// What the plugin's single executable is told at build time (scripts/lib/release.ts defines it with esbuild). The
// npm package defines nothing: it reads its version from its package.json and loads modules from node_modules.
declare const ATLAS_X509_BUNDLED_VERSION: string | undefined;

/** The package version baked into the single executable; undefined when this code runs from the npm package. */
export const bundledVersion: string | undefined =
  typeof ATLAS_X509_BUNDLED_VERSION === "string" ? ATLAS_X509_BUNDLED_VERSION : undefined;
