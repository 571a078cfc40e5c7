/**
 * The name Teaming's JavaMail announces with EHLO when the file sets no mail.<protocol>.localhost:
 * `InetAddress.getLocalHost().getCanonicalHostName()` — this machine's host name looked up, that
 * address looked up in reverse, and the reverse name kept only when it resolves back to the same
 * address (Java's check); else the address as text. When the host name does not resolve at all,
 * JavaMail takes the connection's local address instead (the caller's fallback). Every lookup is
 * bounded: a slow resolver gives up in LOOKUP_LIMIT_MS and the fallback is used, never a hang.
 * Written here: Node has no canonical-name call, and the rule is Java's, not the OS's.
 */
import dns from 'node:dns';
import os from 'node:os';

const LOOKUP_LIMIT_MS = 1500;

/** The lookups the rule needs; tests give their own, so no real DNS is asked. */
export interface NameResolver {
  hostname(): string;
  lookup(name: string): Promise<string[]>;
  reverse(address: string): Promise<string>;
}

export const systemResolver: NameResolver = {
  hostname: () => os.hostname(),
  lookup: async (name) => (await dns.promises.lookup(name, { all: true })).map((entry) => entry.address),
  reverse: async (address) => (await dns.promises.lookupService(address, 0)).hostname,
};

function bounded<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * Java's canonical name of this machine: the verified reverse name, else its address as text;
 * undefined when the host name does not resolve (JavaMail then names the connection's local address).
 */
export async function canonicalHostName(resolver: NameResolver = systemResolver, limitMs = LOOKUP_LIMIT_MS): Promise<string | undefined> {
  const started = Date.now();
  const left = () => Math.max(1, limitMs - (Date.now() - started));
  const address = (await bounded(resolver.lookup(resolver.hostname()), left()))?.[0];
  if (address === undefined) return undefined;
  const name = await bounded(resolver.reverse(address), left());
  if (!name || name === address) return address;
  const back = await bounded(resolver.lookup(name), left());
  return back?.includes(address) ? name : address;
}

/** A name that is fully qualified (has a dot, is not an address): what strict servers want from EHLO. */
export function isFullyQualified(name: string | undefined): name is string {
  return name !== undefined && /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.?$/.test(name) && !/^[\d.]+$/.test(name);
}

/**
 * This machine's fully-qualified name, when it has one, as the default for mail.<protocol>.localhost:
 * the canonical name, else the host name itself when it is qualified.
 */
export async function fullyQualifiedName(resolver: NameResolver = systemResolver): Promise<string | undefined> {
  const canonical = await canonicalHostName(resolver);
  if (isFullyQualified(canonical)) return canonical;
  const own = resolver.hostname();
  return isFullyQualified(own) ? own : undefined;
}
