// The route matcher the Atlas API (atlas-api/routes.ts) and the control API (control/server.ts) share: matches
// percent-decoded path segments against "/groups/{groupId}/..." templates. Segments are split before
// decoding, so "%2F" inside a username never creates an extra segment, while commas, "=" and spaces in RFC 2253
// DNs decode normally. The template doubles as the request-count key ("POST /groups/{groupId}/...").
export interface Route<H> {
  method: string;
  template: string;
  handler: H;
}

export type RouteResult<H> =
  | { kind: "match"; route: Route<H>; params: Record<string, string> }
  | { kind: "method-not-allowed" }
  | { kind: "not-found" };

export function matchRoute<H>(
  routes: readonly Route<H>[],
  method: string,
  segments: readonly string[],
): RouteResult<H> {
  let pathMatched = false;
  for (const route of routes) {
    const params = matchTemplate(route.template, segments);
    if (!params) continue;
    if (route.method === method) return { kind: "match", route, params };
    pathMatched = true;
  }
  return pathMatched ? { kind: "method-not-allowed" } : { kind: "not-found" };
}

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split("/").slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    if (part.startsWith("{") && part.endsWith("}")) {
      if (segment === "") return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
