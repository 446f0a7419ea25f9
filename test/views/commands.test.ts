import { execFileSync, spawnSync } from 'node:child_process';
import { create, fromJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import { TerminateClientSessionRequestSchema } from '../../src/gen/prism/admin/v1/client_session_pb.js';
import { CreateNamespaceRequestSchema } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { bufCurl, bufCurlEach, requestJson, shellQuote } from '../../src/views/commands.js';

/*
 * The command is run by a real shell here: a quoted word must come back as exactly what the
 * operator typed, and the whole command must hand `buf` exactly the request — checked with a
 * stand-in `buf` function that prints the arguments it was given.
 */

/** What a shell makes of `word`: printf gets it as one argument and prints it unchanged. */
function throughShell(shell: string, word: string): string {
  return execFileSync(shell, ['-c', `printf %s ${word}`], { encoding: 'utf8' });
}

const shells = ['bash', 'sh', 'zsh', 'dash'].filter(
  (shell) => spawnSync(shell, ['-c', 'true']).status === 0,
);

const HOSTILE = [
  '',
  "it's",
  "'",
  "''",
  "'\\''",
  '"double" and \\"escaped\\"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, as typed.
  '$(touch /tmp/pwned) `id` ${HOME} $HOME $((1+1))',
  'new\nlines\r\nand\ttabs',
  'back\\slash\\\\ and \\n',
  'ünïcödé ✓ 名前 🙂 \u2028\u2029 \u200b',
  '; rm -rf / # && || | > < & !! !$ * ? [a] ~',
  '%s %d %n %%',
  '-n',
  '--data',
];

/** Hostile strings: a random mix of what shells and JSON treat specially. */
function randomHostile(seed: number): string {
  const alphabet = [...'\'"\\$`(){}[];&|<>*?!~#% \n\t\r-=abcXYZ019é✓🙂\u2028'];
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  return Array.from({ length: next() % 24 }, () => alphabet[next() % alphabet.length]).join('');
}

describe('shellQuote', () => {
  it('finds at least bash to test with', () => {
    expect(shells).toContain('bash');
  });

  for (const shell of shells) {
    it(`keeps hostile text as data in ${shell}`, () => {
      for (const value of HOSTILE) expect(throughShell(shell, shellQuote(value))).toBe(value);
    });
  }

  it('keeps 300 random hostile strings as data in bash (property)', () => {
    const values = Array.from({ length: 300 }, (_, i) => randomHostile(i + 1));
    // One shell for all: each word printed, then a NUL to tell them apart.
    const script = values.map((v) => `printf '%s\\0' ${shellQuote(v)}`).join('\n');
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(values);
  });
});

/** Runs `command` in bash with a `buf` that prints its arguments; returns them. */
function argsOf(command: string, env: Record<string, string> = { PRISM_TOKEN: 'tok-123' }) {
  const script = `buf() { printf '%s\\0' "$@"; }\n${command}`;
  const out = execFileSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return out.split('\0').slice(0, -1);
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

const hostileReason = HOSTILE.join(' | ');
const createRequest = {
  namespace: { name: 'orders', description: "Bob's $(id) `x`", config: { 'a.b': 'c"d' } },
  requestId: 'f3c1a0de-1111-4222-8333-944455556666',
  reason: hostileReason,
};

describe('bufCurl', () => {
  it('hands buf exactly the request, the token from $PRISM_TOKEN, and the method URL', () => {
    const command = bufCurl(AdminService.method.createNamespace, createRequest, {
      baseUrl: 'http://127.0.0.1:8981/',
      schema: 'http://console.example/assets/prism-admin.abc.binpb',
    });
    expect(command).not.toContain('tok-123');
    const args = argsOf(command);
    expect(args.slice(0, 2)).toEqual(['curl', '--protocol']);
    expect(flag(args, '--protocol')).toBe('grpc');
    // Cleartext gRPC is HTTP/2 with prior knowledge (h2c).
    expect(args).toContain('--http2-prior-knowledge');
    expect(flag(args, '--schema')).toBe('http://console.example/assets/prism-admin.abc.binpb');
    expect(flag(args, '--header')).toBe('Authorization: Bearer tok-123');
    const data = JSON.parse(flag(args, '--data') ?? '');
    // Read back as the control plane reads it: the very message the console would send.
    expect(fromJson(CreateNamespaceRequestSchema, data)).toEqual(
      create(CreateNamespaceRequestSchema, createRequest),
    );
    expect(data.reason).toBe(hostileReason);
    expect(args.at(-1)).toBe('http://127.0.0.1:8981/prism.admin.v1.AdminService/CreateNamespace');
  });

  it('lets TLS negotiate HTTP/2 for https://, and names the TLS server when the console does', () => {
    const command = bufCurl(AdminService.method.createNamespace, createRequest, {
      baseUrl: 'https://prism-admin.internal:8443',
      serverName: 'prism-admin',
    });
    const args = argsOf(command);
    expect(args).not.toContain('--http2-prior-knowledge');
    expect(flag(args, '--servername')).toBe('prism-admin');
    expect(args).not.toContain('--schema');
    expect(args.at(-1)).toBe(
      'https://prism-admin.internal:8443/prism.admin.v1.AdminService/CreateNamespace',
    );
  });

  it('stops with a message instead of sending no token when PRISM_TOKEN is not set', () => {
    const command = bufCurl(AdminService.method.createNamespace, createRequest, {
      baseUrl: 'http://127.0.0.1:1',
    });
    const run = spawnSync('bash', ['-c', `buf() { echo called; }\n${command}`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('set PRISM_TOKEN to your access token');
  });

  it('writes an empty reason, and control characters only as JSON escapes', () => {
    const json = requestJson(TerminateClientSessionRequestSchema, {
      id: 's-1',
      requestId: 'r-12345678',
    });
    expect(JSON.parse(json)).toEqual({ id: 's-1', requestId: 'r-12345678', reason: '' });
    const controls = requestJson(TerminateClientSessionRequestSchema, {
      id: 's-1',
      reason: 'a\u0000b\u0007c\nd',
    });
    const raw = [...controls].filter((c) => c !== '\n' && (c.codePointAt(0) ?? 0x20) < 0x20);
    expect(raw).toEqual([]);
    expect(JSON.parse(controls).reason).toBe('a\u0000b\u0007c\nd');
  });
});

describe('bufCurl with random hostile input (property)', () => {
  it('hands buf the exact reason and description for 150 random strings', () => {
    const cases = Array.from({ length: 150 }, (_, i) => ({
      reason: randomHostile(1000 + i),
      description: randomHostile(5000 + i),
    }));
    // One shell for all the commands; each call's --data separated by a NUL.
    const script = [
      `buf() { while [ "$1" != --data ]; do shift; done; printf '%s\\0' "$2"; }`,
      'PRISM_TOKEN=t',
      ...cases.map(({ reason, description }) =>
        bufCurl(
          AdminService.method.createNamespace,
          { namespace: { name: 'n', description }, reason },
          { baseUrl: 'https://cp.example' },
        ),
      ),
    ].join('\n');
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    const sent = out
      .split('\0')
      .slice(0, -1)
      .map((json) => JSON.parse(json) as { reason: string; namespace: { description?: string } });
    expect(
      sent.map((r) => ({ reason: r.reason, description: r.namespace.description ?? '' })),
    ).toEqual(cases);
  });
});

describe('bufCurlEach', () => {
  const options = { baseUrl: 'http://127.0.0.1:8981' };
  const requestFor = (id: string) => ({
    id,
    force: true,
    reason: hostileReason,
    requestId: `form-1234:${id}`,
  });

  it('loops over the ids, sending each session exactly its own request', () => {
    const ids = ['sess-a', 'sess-b.2', 'sess_C-3'];
    const command = bufCurlEach(
      AdminService.method.terminateClientSession,
      ids,
      requestFor,
      options,
    );
    expect(command.startsWith("for key in 'sess-a' 'sess-b.2' 'sess_C-3'; do")).toBe(true);
    const args = argsOf(command);
    const datas = args.flatMap((arg, i) => (args[i - 1] === '--data' ? [JSON.parse(arg)] : []));
    expect(datas).toEqual(ids.map((id) => ({ ...requestFor(id) })));
  });

  it('writes one command per id when an id is not plain', () => {
    const ids = ["it's", 'sess-b'];
    const command = bufCurlEach(
      AdminService.method.terminateClientSession,
      ids,
      requestFor,
      options,
    );
    expect(command).not.toContain('for key');
    const args = argsOf(command);
    const datas = args.flatMap((arg, i) => (args[i - 1] === '--data' ? [JSON.parse(arg)] : []));
    expect(datas).toEqual(ids.map((id) => requestFor(id)));
  });
});
