// Where the plugin's release archives are published: one setting, read by the schema the plugin answers with and
// by `npm run generate` (schema.json, and through it every generated SDK's pulumi-plugin.json).
//
// Unset: this project has no public download host yet, and an invented one would send every user's CLI to a
// server nobody runs. Users install the plugin with `pulumi plugin install resource atlas-x509 <version> --file
// <archive>` or `--server <url>` (the tests use a loopback server). A release that publishes its archives sets the
// URL here (any scheme `pulumi plugin install --server` takes, e.g. `github://api.github.com/<owner>/<repo>` or
// `https://<host>/<path>`), then runs `npm run generate` and commits the result: from then on the CLI installs
// the plugin by itself when a program uses a generated SDK, and PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES can redirect it.
export const pluginDownloadURL: string | undefined = undefined;
