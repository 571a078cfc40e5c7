/** The mail server check, as the wizard's probe step and as the `check` command. */
import { UsageError } from './errors.ts';
import type { Output } from './output.ts';
import type { ProbeCapability } from './wizard.ts';

export interface ProbeSetup {
  timeoutMs: number;
  caFile?: string;
  testRecipient?: string;
}

export function createProbe(_setup: ProbeSetup): ProbeCapability | undefined {
  return undefined;
}

export async function runCheck(_options: Record<string, unknown>, _out: Output): Promise<number> {
  throw new UsageError('check is not available yet');
}
