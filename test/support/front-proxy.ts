// A loopback HTTP server in front of the emulator, standing for what may sit between the provider and Atlas: it
// forwards every request as it is, until told to answer in Atlas's place for the paths that match (a corporate
// proxy's 404 page, an empty 200, a wrong base URL's answer), which the emulator's own faults cannot do: those
// always carry an Atlas error body.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyAnswer {
  status: number;
  contentType?: string;
  body: string;
}

export interface FrontProxy {
  /** "http://127.0.0.1:PORT": use it as mongodbatlas:baseUrl. */
  readonly baseUrl: string;
  /** From now on, requests whose path includes `pathIncludes` get `answer` instead of the emulator's. */
  answer(pathIncludes: string, answer: ProxyAnswer): void;
  /** Forward everything again. */
  forwardAll(): void;
  /** How many requests the proxy answered itself. */
  readonly intercepted: number;
  close(): Promise<void>;
}

/** What proxies and wrong hosts answer: none of it is an Atlas error body. */
export const NON_ATLAS_404: Record<string, ProxyAnswer> = {
  "an HTML page": {
    status: 404,
    contentType: "text/html",
    body: "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
  },
  "an empty body": { status: 404, body: "" },
  "plain text": { status: 404, contentType: "text/plain", body: "404 page not found" },
  "JSON of another server": {
    status: 404,
    contentType: "application/json",
    body: '{"error":"Not Found","message":"no Route matched with those values","status":404}',
  },
};

export async function startFrontProxy(targetBaseUrl: string): Promise<FrontProxy> {
  const target = new URL(targetBaseUrl);
  let rule: { pathIncludes: string; answer: ProxyAnswer } | undefined;
  let intercepted = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
      if (rule && path.includes(rule.pathIncludes)) {
        intercepted++;
        const { status, contentType, body } = rule.answer;
        res.writeHead(status, contentType ? { "content-type": contentType } : {});
        res.end(body);
        return;
      }
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    answer(pathIncludes, answer) {
      rule = { pathIncludes, answer };
    },
    forwardAll() {
      rule = undefined;
    },
    get intercepted() {
      return intercepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
