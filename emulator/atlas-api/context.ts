// What an API handler receives: the decoded route parameters, query, resolved project, body access and the
// emulator services. Handlers stay free of HTTP plumbing and return `ApiResponse` values.
import type { IncomingHttpHeaders } from "node:http";
import type { CertificateIssuer } from "../certificate-issuer";
import type { EmulatorClock } from "../clock";
import { mediaTypeOf, type ApiResponse } from "../http/io";
import type { Project } from "../state";
import { atlasErrors } from "./errors";
import { jsonResponse } from "./responses";
import { apiPrefix, ATLAS_V2_MEDIA_TYPE, type ApiVersion } from "./versions";

export interface EmulatorServices {
  clock: EmulatorClock;
  issuer: CertificateIssuer;
  certsPerUserLimit: number;
  listChurn: () => boolean;
}

export interface ApiContextOptions {
  api: ApiVersion;
  method: string;
  /** Path as received (percent-encoded, no query), for self links. */
  rawPath: string;
  /** The route's parameters, percent-decoded. */
  params: Record<string, string>;
  search: URLSearchParams;
  /** The project the route's {groupId} names (the pipeline has already checked that it exists). */
  project: Project;
  baseUrl: string;
  services: EmulatorServices;
  headers: IncomingHttpHeaders;
  /** The request body as read, for `jsonObject()`. */
  body: Buffer;
}

export class ApiContext {
  readonly api: ApiVersion;
  readonly method: string;
  /** Path as received (percent-encoded, no query), for self links. */
  readonly rawPath: string;
  readonly params: Record<string, string>;
  readonly search: URLSearchParams;
  readonly project: Project;
  readonly baseUrl: string;
  readonly services: EmulatorServices;
  private readonly headers: IncomingHttpHeaders;
  private readonly rawBody: Buffer;

  constructor(options: ApiContextOptions) {
    this.api = options.api;
    this.method = options.method;
    this.rawPath = options.rawPath;
    this.params = options.params;
    this.search = options.search;
    this.project = options.project;
    this.baseUrl = options.baseUrl;
    this.services = options.services;
    this.headers = options.headers;
    this.rawBody = options.body;
  }

  /** "/api/atlas/v2" or "/api/atlas/v1.0". */
  get prefix(): string {
    return apiPrefix(this.api);
  }

  /** Absolute link to a path under this API version, as Atlas writes its `links[].href`. */
  link(pathUnderPrefix: string): string {
    return `${this.baseUrl}${this.prefix}${pathUnderPrefix}`;
  }

  /** A success body honouring `?pretty=true`. */
  json(status: number, value: unknown): ApiResponse {
    return jsonResponse(this.api, status, value, this.search.get("pretty") === "true" ? 2 : 0);
  }

  /**
   * The request body as a JSON object. Accepts `application/json` and the versioned vendor type;
   * a body with another Content-Type is refused with 415.
   */
  jsonObject(): Record<string, unknown> {
    const text = this.rawBody.toString("utf8");
    if (text.trim() === "") throw atlasErrors.missingBody();
    const mediaType = mediaTypeOf(this.headers["content-type"]);
    if (mediaType !== "application/json" && mediaType !== ATLAS_V2_MEDIA_TYPE) {
      throw atlasErrors.unsupportedMediaType(this.headers["content-type"] ?? "");
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw atlasErrors.malformedJson();
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw atlasErrors.malformedJson();
    return value as Record<string, unknown>;
  }
}
