// HTTP Digest (RFC 7616 subset) as Atlas speaks it for programmatic API keys: MD5, qop="auth", realm
// "MMS Public API". Nonces stay valid for several minutes and may be reused with any nc, because digest-fetch
// reuses one nonce with an incrementing nc and parallel requests may repeat an nc.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { safeDecode } from "../http/io";

export const DIGEST_REALM = "MMS Public API";
/** Real time, not the emulator clock: advancing the clock by months must not invalidate a client's nonce. */
const NONCE_TTL_MS = 5 * 60 * 1000;
const MAX_NONCES = 10_000;

export type DigestVerdict = { ok: true; publicKey: string } | { ok: false; stale: boolean };

export class DigestAuthenticator {
  private readonly nonces = new Map<string, number>();

  constructor(private readonly keys: ReadonlyMap<string, string>) {}

  /** A `WWW-Authenticate` value with a fresh nonce, formatted exactly like Atlas's. */
  challenge(stale: boolean): string {
    this.pruneNonces();
    // 32 characters of standard base64 ("+" and "/" included), like every recorded Atlas nonce.
    const nonce = randomBytes(24).toString("base64");
    this.nonces.set(nonce, Date.now());
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
  }

  /**
   * `requestTarget` is the path plus query as received: digest-fetch and curl put exactly that into `uri`.
   * A nonce we never issued (or issued too long ago) fails with stale=true only when the digest itself is
   * right, as RFC 7616 prescribes, so the client retries with the new nonce instead of giving up.
   */
  verify(authorization: string, method: string, requestTarget: string): DigestVerdict {
    const fields = parseDigestFields(authorization);
    if (!fields) return { ok: false, stale: false };
    const { username, realm, nonce, uri, response, qop, nc, cnonce } = fields;
    const algorithm = (fields.algorithm ?? "MD5").toUpperCase();
    if (!username || !nonce || !uri || !response || realm !== DIGEST_REALM || algorithm !== "MD5") {
      return { ok: false, stale: false };
    }
    if (!sameRequestTarget(uri, requestTarget)) return { ok: false, stale: false };
    const password = this.keys.get(username);
    if (password === undefined) return { ok: false, stale: false };

    const ha1 = md5(`${username}:${DIGEST_REALM}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    let expected: string;
    if (qop === undefined) {
      expected = md5(`${ha1}:${nonce}:${ha2}`);
    } else if (qop === "auth" && nc && cnonce) {
      expected = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    } else {
      return { ok: false, stale: false };
    }
    if (!constantTimeEquals(expected, response.toLowerCase())) return { ok: false, stale: false };

    const issuedAt = this.nonces.get(nonce);
    if (issuedAt === undefined || Date.now() - issuedAt > NONCE_TTL_MS) return { ok: false, stale: true };
    return { ok: true, publicKey: username };
  }

  private pruneNonces(): void {
    const cutoff = Date.now() - NONCE_TTL_MS;
    for (const [nonce, issuedAt] of this.nonces) {
      if (issuedAt < cutoff || this.nonces.size > MAX_NONCES) this.nonces.delete(nonce);
      else break; // Map iterates in insertion order, so the rest are newer.
    }
  }
}

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Clients may percent-encode differently from what arrived on the wire; compare decoded forms as a fallback. */
function sameRequestTarget(uri: string, requestTarget: string): boolean {
  if (uri === requestTarget) return true;
  const a = safeDecode(uri);
  return a !== undefined && a === safeDecode(requestTarget);
}

/** Parses `Digest a="x, y", b=z` into fields; undefined when the scheme is not Digest. */
export function parseDigestFields(header: string): Record<string, string | undefined> | undefined {
  const match = /^\s*Digest\s+/i.exec(header);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/g;
  pattern.lastIndex = match[0].length;
  let part: RegExpExecArray | null;
  while ((part = pattern.exec(header)) !== null && part[0].length > 0) {
    const key = part[1]!.toLowerCase();
    fields[key] = part[2] !== undefined ? part[2].replace(/\\(.)/g, "$1") : part[3]!;
    if (pattern.lastIndex >= header.length) break;
  }
  return fields;
}
