// Owns SSRF protection for user-supplied provider base URLs: scheme/host policy, address ranges after DNS
// resolution, and a fetch that re-checks every redirect hop.
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { AppError } from "../errors/index";

export interface UrlPolicy {
  /** Operator switch: allow private, loopback and link-local destinations (and plain http to them). */
  allowPrivate: boolean;
  /** Hosts (`name` or `name:port`) the operator allows over plain http; they are trusted whatever they resolve to. */
  allowedHttpHosts: string[];
  /** DNS resolution; replaceable so tests can make a name resolve to a private address. */
  resolve?: (hostname: string) => Promise<string[]>;
}

const MAX_REDIRECTS = 5;

const refuse = (reason: string, url: string) =>
  new AppError("url_not_allowed", 422, `This provider URL is not allowed: ${reason}`, { details: { url: safeUrl(url), reason } });

/** The URL without credentials or query, fit for an error message. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

async function defaultResolve(hostname: string): Promise<string[]> {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map((a) => a.address);
}

/** Only globally routable unicast addresses are public; everything else (private, loopback, metadata, …) is not. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

function isOperatorAllowed(url: URL, policy: UrlPolicy): boolean {
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return policy.allowedHttpHosts.some((allowed) => {
    const a = allowed.toLowerCase();
    return a === host || a === hostname;
  });
}

/** Throws `url_not_allowed` unless `raw` may be contacted under `policy`. */
export async function assertUrlAllowed(raw: string, policy: UrlPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("not a valid URL", raw);
  }
  if (url.username || url.password) throw refuse("credentials in the URL are not accepted", raw);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refuse("only https (or http to allowed hosts)", raw);
  if (isOperatorAllowed(url, policy)) return url;
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(hostname)
    ? [hostname]
    : await (policy.resolve ?? defaultResolve)(hostname).catch(() => {
        throw refuse("the host name does not resolve", raw);
      });
  if (addresses.length === 0) throw refuse("the host name does not resolve", raw);
  const isPrivate = addresses.some((address) => !isPublicAddress(address));
  if (isPrivate && !policy.allowPrivate) throw refuse("it points to a private, loopback, link-local or metadata address", raw);
  // Plain http is tolerated only towards private networks the operator opened (local model servers).
  if (url.protocol === "http:" && !(isPrivate && policy.allowPrivate))
    throw refuse("plain http is only allowed to hosts the operator allows", raw);
  return url;
}

/** A fetch that checks the first URL and every redirect target against `policy`. */
export function createGuardedFetch(policy: UrlPolicy, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    let url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    let requestInit: RequestInit = { ...init, redirect: "manual" };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await assertUrlAllowed(url, policy);
      const response = await inner(url, requestInit);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      url = new URL(location, url).toString();
      // 301/302/303 turn into GET without a body, as browsers do; 307/308 repeat the request.
      if (response.status !== 307 && response.status !== 308) requestInit = { ...requestInit, method: "GET", body: undefined };
    }
    throw refuse("too many redirects", url);
  };
}
