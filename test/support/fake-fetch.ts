// A scripted fetch for pure unit tests: each call takes the next step (a Response, an error to throw, or a function
// of the request), and every call is recorded with plain lowercase headers.
import type { AtlasAuth } from "../../provider/atlas/auth";

export interface RecordedCall {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

export type Step = Response | Error | ((call: RecordedCall) => Response | Promise<Response>);

export function scriptedFetch(...steps: Step[]): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const fetchImpl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const call: RecordedCall = {
      url: new URL(String(input)),
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === "string" ? init.body : undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    const step = steps.length > 1 ? steps.shift()! : steps[0];
    if (step === undefined) throw new Error(`unscripted call ${call.method} ${call.url.pathname}`);
    if (step instanceof Error) throw step;
    if (step instanceof Response) return step.clone();
    return step(call);
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}

/** An auth step that adds nothing: lets transport tests see the client's own behaviour. */
export const noAuth: AtlasAuth = {
  kind: "digest",
  fetch: (url, init, baseFetch) => baseFetch!(url, init),
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, {
    status,
    headers: { "content-type": "application/vnd.atlas.2023-01-01+json;charset=utf-8", ...headers },
  });
}

export function atlasError(
  status: number,
  errorCode: string,
  detail = `${errorCode} detail`,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ detail, error: status, errorCode, parameters: [], reason: "x" }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** What undici throws when a connection fails. */
export function networkError(reason = "other side closed", code = "UND_ERR_SOCKET"): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error(reason), { code }) });
}

/** A fetch step that never answers; it rejects like undici when the request's signal aborts. */
export function hang(call: RecordedCall): Promise<Response> {
  return new Promise((_, reject) => {
    call.signal?.addEventListener("abort", () => reject(call.signal!.reason), { once: true });
  });
}

/** A step like `hang`, and a promise that resolves once a request reached it: the moment to stop the request. */
export function hangOnArrival(): { step: Step; arrived: Promise<RecordedCall> } {
  let announce!: (call: RecordedCall) => void;
  const arrived = new Promise<RecordedCall>((resolve) => (announce = resolve));
  return {
    step: (call) => {
      announce(call);
      return hang(call);
    },
    arrived,
  };
}
