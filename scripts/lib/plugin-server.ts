// A plugin download server on loopback, as `pulumi plugin install resource <name> <version> --server <url>` (or an
// SDK's `pluginDownloadURL`) reaches one: it serves the given release archives by file name, answers 404 to
// anything else, and logs every request, so a test can see that the CLI fetched the archive from it.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

export interface PluginServer {
  /** `http://127.0.0.1:<port>`: the `--server` of `pulumi plugin install`. */
  url: string;
  /** `GET /<file> <status>` for each request so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `archives` (paths of .tar.gz files) at `/<file name>` on a free loopback port. */
export async function startPluginServer(archives: string[]): Promise<PluginServer> {
  const byName = new Map(archives.map((archive) => [`/${path.basename(archive)}`, archive]));
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const archive = request.method === "GET" ? byName.get(new URL(request.url ?? "/", "http://x").pathname) : undefined;
    requests.push(`${request.method} ${request.url} ${archive ? 200 : 404}`);
    if (!archive) {
      response.writeHead(404).end("not found\n");
      return;
    }
    response.writeHead(200, {
      "Content-Type": "application/gzip",
      "Content-Length": String(fs.statSync(archive).size),
    });
    fs.createReadStream(archive).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
