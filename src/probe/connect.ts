/**
 * DNS and the TCP connect over each address in turn, before SMTPConnection gets the socket. Not
 * nodemailer's: its connect reports one error for the whole attempt (ECONNECTION/ETIMEDOUT), where
 * the probe names the lookup and the connect as stages of their own, each with its own diagnosis,
 * uses the lookup the caller injects, and gives each address its share of the probe's deadline.
 */
import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import net from 'node:net';
import { ipVersion } from '../settings/ip-address.ts';
import type { MailSettings } from '../settings/settings.ts';
import { Deadline, DeadlineError } from './deadline.ts';
import { connectFailure, connectTimeout, dnsFailure, fail } from './failures.ts';
import type { LookupFunction } from './types.ts';

/** Every socket keeps a listener for 'error' as long as it lives: an unheard one would end the process. */
export const ignore = (): void => {};

const systemLookup: LookupFunction = (hostname, options) => dnsPromises.lookup(hostname, options);

/** The addresses of `host` (an IP literal needs no lookup), within the deadline. */
export async function resolveHost(
  host: string,
  lookup: LookupFunction | undefined,
  deadline: Deadline,
): Promise<{ addresses: LookupAddress[]; detail: string }> {
  const family = ipVersion(host);
  if (family !== 0) return { addresses: [{ address: host, family }], detail: `${host} is an IP address: no lookup` };
  let addresses: LookupAddress[];
  try {
    addresses = await deadline.race((lookup ?? systemLookup)(host, { all: true }));
  } catch (error) {
    if (error instanceof DeadlineError) {
      throw fail(
        'dns',
        'dns-failed',
        `the name lookup of ${host} got no answer in time`,
        'the DNS server of this machine does not answer; check the network, or enter the IP address of the mail host',
        { question: 'host' },
      );
    }
    throw dnsFailure(error as NodeJS.ErrnoException, host);
  }
  if (addresses.length === 0) throw dnsFailure(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), host);
  return { addresses, detail: `${host} → ${addresses.map((entry) => entry.address).join(', ')}` };
}

/** A TCP connection to the first address that takes one; each address gets its share of the time left. */
export async function connectFirst(
  addresses: LookupAddress[],
  settings: MailSettings,
  deadline: Deadline,
): Promise<{ socket: net.Socket; address: string; detail: string }> {
  let lastError: NodeJS.ErrnoException | undefined;
  const start = performance.now();
  for (const [index, entry] of addresses.entries()) {
    const share = deadline.remaining() / (addresses.length - index);
    const socket = net.connect({ host: entry.address, port: settings.port, family: entry.family }).on('error', ignore);
    // TLS will follow: node:tls loads (a few ms of compiling) while the connection and the greeting are on their way.
    if (index === 0 && (settings.protocol === 'smtps' || settings.starttls)) setImmediate(() => process.getBuiltinModule('node:tls'));
    let onError: ((error: Error) => void) | undefined;
    try {
      await deadline.race(
        new Promise<void>((resolve, reject) => {
          onError = reject;
          socket.once('connect', resolve).once('error', reject);
        }),
        Date.now() + share,
      );
      socket.off('error', onError!);
      socket.setNoDelay(true);
      const shown = ipVersion(entry.address) === 6 ? `[${entry.address}]` : entry.address;
      return { socket, address: entry.address, detail: `connected to ${shown}:${settings.port}` };
    } catch (error) {
      socket.destroy();
      if (error instanceof DeadlineError) {
        if (deadline.remaining() === 0) throw connectTimeout(settings, performance.now() - start);
        lastError = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
      } else {
        lastError = error as NodeJS.ErrnoException;
      }
    }
  }
  if (lastError?.code === 'ETIMEDOUT') throw connectTimeout(settings, performance.now() - start);
  throw connectFailure(lastError ?? new Error('no address to connect to'), settings);
}
