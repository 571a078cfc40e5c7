/**
 * The server's EHLO capabilities, read from the EHLO reply, and their one-line description for the
 * EHLO stage. Not nodemailer's: SMTPConnection keeps what it parsed private (and only what it uses
 * itself); the report needs every keyword and the AUTH list as advertised.
 */
import type { ServerCapabilities } from './types.ts';

/** Reads the lines of a 250 EHLO reply (without their codes). */
export function parseCapabilities(lines: readonly string[]): ServerCapabilities {
  const [first = '', ...rest] = lines;
  const capabilities: ServerCapabilities = { name: first.split(' ')[0] ?? '', starttls: false, auth: [], keywords: [] };
  for (const line of rest) {
    const [keyword = '', ...params] = line.trim().split(/[\s=]+/);
    const upper = keyword.toUpperCase();
    if (upper === '') continue;
    if (!capabilities.keywords.includes(upper)) capabilities.keywords.push(upper);
    if (upper === 'STARTTLS') capabilities.starttls = true;
    if (upper === 'AUTH') {
      for (const mechanism of params) {
        const name = mechanism.toUpperCase();
        if (name !== '' && !capabilities.auth.includes(name)) capabilities.auth.push(name);
      }
    }
    if (upper === 'SIZE') capabilities.size = Number(params[0] ?? 0) || 0;
  }
  return capabilities;
}

/** Whether the server lists `keyword` (PIPELINING, CHUNKING…) among its capabilities. */
export function offers(capabilities: ServerCapabilities | undefined, keyword: string): boolean {
  return capabilities?.keywords.includes(keyword) === true;
}

function formatSize(bytes: number): string {
  if (bytes === 0) return 'SIZE (no limit)';
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `SIZE ${Number(mb.toFixed(1))} MB` : `SIZE ${bytes} bytes`;
}

/** `mx.example.com: STARTTLS, AUTH PLAIN LOGIN, SIZE 10 MB, PIPELINING, 8BITMIME` */
export function describeCapabilities(capabilities: ServerCapabilities): string {
  const parts: string[] = [];
  if (capabilities.starttls) parts.push('STARTTLS');
  parts.push(capabilities.auth.length > 0 ? `AUTH ${capabilities.auth.join(' ')}` : 'no AUTH');
  if (capabilities.size !== undefined) parts.push(formatSize(capabilities.size));
  const others = capabilities.keywords.filter((keyword) => !['STARTTLS', 'AUTH', 'SIZE'].includes(keyword));
  const shown = others.slice(0, 8);
  parts.push(...shown);
  if (others.length > shown.length) parts.push(`+${others.length - shown.length} more`);
  return `${capabilities.name || 'server'}: ${parts.join(', ')}`;
}
