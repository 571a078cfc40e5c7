/**
 * Whether a text is an IP address, and of which version: `net.isIP` without its cost. Node's IPv6
 * pattern is one large regular expression that takes V8 about 5 ms to compile on its first use in
 * a process and about 1 ms a test after that, so it runs only on text that holds a colon, as every
 * IPv6 address does and no IPv4 address or host name can.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function ipVersion(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return text.includes(':') && isIPv6(text) ? 6 : 0;
}

/** `mail.example.com:587`, `192.0.2.1:25`, `[::1]:2587`: an IPv6 address in brackets, as in a URL. */
export function hostAndPort(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return ipVersion(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}
