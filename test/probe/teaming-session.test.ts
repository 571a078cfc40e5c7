/**
 * What the check rehearses of Teaming's own mail session. The EHLO name, as JavaMail says it:
 * mail.<protocol>.localhost, else this machine's canonical name (Java's getCanonicalHostName rule,
 * local-name.ts), else an address literal; the machine's name comes from an injected resolver, so
 * no test depends on this machine's DNS. The sender, as JavaMail would send it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { probeSmtp } from '../../src/probe/index.ts';
import { canonicalHostName, fullyQualifiedName, type NameResolver } from '../../src/probe/local-name.ts';
import { fixedResolver, loopbackSettings } from '../helpers/probe-settings.ts';
import { scriptedServer, type RawServer } from '../helpers/smtp-servers.ts';

describe("this machine's canonical name, by Java's rule", () => {
  const resolver = (table: Record<string, string[]>, reverse: Record<string, string>, hostname = 'vm'): NameResolver => ({
    hostname: () => hostname,
    lookup: async (name) => table[name] ?? Promise.reject(new Error(`ENOTFOUND ${name}`)),
    reverse: async (address) => reverse[address] ?? Promise.reject(new Error(`ENOTFOUND ${address}`)),
  });

  test('the reverse name when it resolves back to the address; else the address; undefined when the host name does not resolve', async () => {
    assert.equal(
      await canonicalHostName(resolver({ vm: ['10.0.0.5'], 'vm.corp.example': ['10.0.0.5'] }, { '10.0.0.5': 'vm.corp.example' })),
      'vm.corp.example',
    );
    assert.equal(await canonicalHostName(resolver({ vm: ['10.0.0.5'], 'vm.corp.example': ['10.9.9.9'] }, { '10.0.0.5': 'vm.corp.example' })), '10.0.0.5');
    assert.equal(await canonicalHostName(resolver({ vm: ['10.0.0.5'] }, {})), '10.0.0.5');
    assert.equal(await canonicalHostName(resolver({}, {})), undefined);
  });

  test('a resolver that never answers is bounded: the fallback comes within the limit', async () => {
    const hanging: NameResolver = { hostname: () => 'vm', lookup: () => new Promise(() => {}), reverse: () => new Promise(() => {}) };
    const started = Date.now();
    assert.equal(await canonicalHostName(hanging, 200), undefined);
    assert.ok(Date.now() - started < 1000);
  });

  test('the default for mail.<protocol>.localhost: the canonical name when qualified, else the host name when qualified, else none', async () => {
    assert.equal(
      await fullyQualifiedName(resolver({ vm: ['10.0.0.5'], 'vm.corp.example': ['10.0.0.5'] }, { '10.0.0.5': 'vm.corp.example' })),
      'vm.corp.example',
    );
    assert.equal(
      await fullyQualifiedName(resolver({ 'vm.corp.example': ['127.0.0.1'], localhost: ['127.0.0.1'] }, { '127.0.0.1': 'localhost' }, 'vm.corp.example')),
      'vm.corp.example',
    );
    assert.equal(await fullyQualifiedName(resolver({ vm: ['127.0.0.1'], localhost: ['127.0.0.1'] }, { '127.0.0.1': 'localhost' })), undefined);
  });
});

describe('the check announces the EHLO name Teaming will announce', () => {
  let strict: RawServer;
  const names: string[] = [];
  before(async () => {
    // As Postfix with reject_non_fqdn_helo_hostname.
    strict = await scriptedServer((line) => {
      const hello = /^(EHLO|HELO) (.*)$/.exec(line);
      if (hello) {
        names.push(line);
        return hello[2]!.includes('.')
          ? ['250-strict.test.invalid', '250 SIZE 1000']
          : `504 5.5.2 <${hello[2]}>: Helo command rejected: need fully-qualified hostname`;
      }
      if (line.startsWith('MAIL') || line.startsWith('RCPT')) return '250 2.1.0 Ok';
      if (line === 'QUIT') return null;
      return '502 5.5.2 no';
    });
  });
  after(() => strict.close());
  const settings = (ehloName = '') => loopbackSettings(strict.port, { starttls: false, auth: false, username: '', password: '', ehloName });

  test("this machine's name, not fully qualified: refused; the diagnosis names the name and the reply, and offers mail.smtp.localhost", async () => {
    names.length = 0;
    const report = await probeSmtp(settings(), { timeoutMs: 3000, nameResolver: fixedResolver('vm') });
    assert.deepEqual(names, ['EHLO vm', 'HELO vm']);
    assert.equal(report.failure?.kind, 'ehlo-refused');
    assert.equal(report.failure?.message, 'the server refuses the EHLO name vm: 504 5.5.2 <vm>: Helo command rejected: need fully-qualified hostname');
    assert.equal(
      report.failure?.advice,
      "Teaming's JavaMail announces this machine's name vm too, and would be refused the same way: write a fully-qualified name this machine is known by as mail.smtp.localhost (--ehlo-name NAME)",
    );
    assert.equal(report.failure?.question, 'ehloName');
  });

  test('the EHLO name setting is what EHLO says; a qualified machine name passes as it is', async () => {
    names.length = 0;
    const given = await probeSmtp(settings('teaming.example.com'), { timeoutMs: 3000, nameResolver: fixedResolver('vm') });
    assert.equal(given.ok, true, given.failure?.message);
    const qualified = await probeSmtp(settings(), { timeoutMs: 3000, nameResolver: fixedResolver('vm.corp.example') });
    assert.equal(qualified.ok, true, qualified.failure?.message);
    assert.deepEqual(names, ['EHLO teaming.example.com', 'EHLO vm.corp.example']);
  });
});

describe('the sender Teaming will use, before anything is sent', () => {
  test('a non-ASCII user name as sender is refused with why, naming --sender; nothing reaches the server', async () => {
    const commands: string[] = [];
    const server = await scriptedServer((line) => {
      commands.push(line);
      return line.startsWith('EHLO') ? ['250-utf8.test.invalid', '250-SMTPUTF8', '250 AUTH PLAIN'] : line.startsWith('AUTH') ? '235 2.7.0 ok' : '250 2.1.0 Ok';
    });
    try {
      const report = await probeSmtp(loopbackSettings(server.port, { starttls: false, username: 'üser@example.com' }), {
        timeoutMs: 3000,
        allowPlaintextAuth: true,
        nameResolver: fixedResolver(undefined),
      });
      assert.equal(report.failure?.kind, 'sender-refused');
      assert.equal(
        report.failure?.message,
        "the sender üser@example.com is not plain ASCII: Teaming's JavaMail sends it as Latin-1 or with characters cut, so servers refuse it or read another address",
      );
      assert.equal(report.failure?.advice, 'set a sender address in plain ASCII (--sender ADDRESS)');
      assert.ok(!commands.some((line) => line.startsWith('MAIL')), commands.join('\n'));
    } finally {
      await server.close();
    }
  });
});
