/** `demo`: the real wizard against an embedded mail server on 127.0.0.1. */
import { UsageError } from './errors.ts';
import type { Output } from './output.ts';

export async function runDemo(_options: Record<string, unknown>, _out: Output): Promise<number> {
  throw new UsageError('demo is not available yet');
}
