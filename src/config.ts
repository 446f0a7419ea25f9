import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import type { Role } from './plugins/operator.js';

/** Everything the console reads from its environment, validated once at start. */
export interface Config {
  host: string;
  port: number;
  /**
   * The address operators use to reach the console: the sign-in redirect URI, cookie security
   * and the Origin check come from it, never from request headers.
   */
  publicUrl: URL;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  controlPlane: {
    url: string;
    /** Deadline of every call, retries included. */
    timeoutMs: number;
    /** Extra attempts for idempotent reads that fail UNAVAILABLE. */
    readRetries: number;
    /** HTTP/2 PING interval while a call is open; 0: none. Never on idle connections. */
    keepaliveMs: number;
    /** TLS settings beyond the system's trust (https:// only); undefined: none given. */
    tls: ControlPlaneTls | undefined;
  };
  /** On SIGTERM, how long readiness fails before the listener closes. */
  shutdownGraceMs: number;
  /** After the grace, how long in-flight requests have before the process exits regardless. */
  shutdownTimeoutMs: number;
  /**
   * How often each browser's event stream carries a heartbeat: it keeps proxies from closing a
   * quiet stream, and a page that hears nothing for three of them reconnects (src/browser/live.js).
   */
  liveHeartbeatMs: number;
  /** Event streams one console session may hold open on a replica; more are refused (429). */
  liveStreamsPerSession: number;
  /**
   * Which proxies in front may say who the client is (X-Forwarded-For): none (false), that many
   * hops, or those addresses and CIDR ranges. Rate limits and the sessions page use the result.
   */
  trustProxy: false | number | string[];
  oidc: {
    issuer: URL;
    clientId: string;
    clientSecret: string;
    scopes: string;
    /** Resource indicator for the control plane's access tokens; unset sends none. */
    audience: string | undefined;
    /** Claim holding the groups (or roles) that map to console roles. */
    roleClaim: string;
    /** Claim value → role; several matches give the highest role. */
    roleMapping: Record<string, Role>;
  };
  /**
   * The console's own identity at the same issuer (OAuth client-credentials grant), for the one
   * Watch per replica and the reads shared between operators; undefined: none, pages poll.
   */
  serviceClient: { clientId: string; clientSecret: string } | undefined;
  session: {
    /** 32 bytes: encrypts the session and sign-in cookies, and keys CSRF tokens. */
    key: Buffer;
    idleTimeoutMs: number;
    absoluteTimeoutMs: number;
    /** Shared session store for several replicas; in memory when unset. */
    redisUrl: string | undefined;
  };
}

/** Files are paths, read at start and again whenever they change (mounted Secrets rotate). */
export interface ControlPlaneTls {
  /** PEM bundle trusted for the control plane instead of the system's CAs. */
  caFile?: string | undefined;
  /** Client certificate and key for mTLS: both or neither. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** Name sent as SNI and checked against the certificate instead of the URL's host. */
  serverName?: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const httpUrl = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

/** Host names that never leave this machine: the only ones allowed over plain http. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An IPv4 or IPv6 address, optionally with a /prefix: what TRUST_PROXY lists. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** Reads a file the console needs at start; the problem names the file and why. */
function readStartFile(path: string): { text: string } | { problem: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { problem: `cannot read ${path} (${code})` };
  }
}

/** A path to a PEM file holding at least one `label` block, read (and checked) at start. */
const pemFile = (label: 'CERTIFICATE' | 'PRIVATE KEY') =>
  z
    .string()
    .trim()
    .min(1, 'must be a path')
    .superRefine((path, ctx) => {
      const read = readStartFile(path);
      if ('problem' in read) ctx.addIssue({ code: 'custom', message: read.problem });
      else if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(read.text)) {
        ctx.addIssue({ code: 'custom', message: `${path} holds no PEM ${label.toLowerCase()}` });
      }
    })
    .optional();

const TLS_VARIABLES = [
  'CONTROL_PLANE_CA_FILE',
  'CONTROL_PLANE_CERT_FILE',
  'CONTROL_PLANE_KEY_FILE',
  'CONTROL_PLANE_SERVER_NAME',
] as const;

/**
 * What the TLS variables need of each other, checked on the raw environment so these problems
 * are named beside any other: https://, a certificate with its key, and a pair that matches.
 */
function controlPlaneTlsProblems(env: Record<string, string | undefined>): string[] {
  const given = (key: string) => (env[key]?.trim() ?? '') !== '';
  const problems: string[] = [];
  const url = env.CONTROL_PLANE_URL?.trim() ?? '';
  if (!/^https:\/\//i.test(url)) {
    for (const key of TLS_VARIABLES.filter(given)) {
      problems.push(`${key}: needs an https:// CONTROL_PLANE_URL (TLS to the control plane)`);
    }
  }
  const cert = env.CONTROL_PLANE_CERT_FILE?.trim();
  const key = env.CONTROL_PLANE_KEY_FILE?.trim();
  if (cert && !key) {
    problems.push('CONTROL_PLANE_KEY_FILE: is required with CONTROL_PLANE_CERT_FILE (its key)');
  } else if (key && !cert) {
    problems.push(
      'CONTROL_PLANE_CERT_FILE: is required with CONTROL_PLANE_KEY_FILE (its certificate)',
    );
  } else if (cert && key) {
    const certText = readStartFile(cert);
    const keyText = readStartFile(key);
    if ('text' in certText && 'text' in keyText) {
      try {
        createSecureContext({ cert: certText.text, key: keyText.text });
      } catch (err) {
        problems.push(
          `CONTROL_PLANE_KEY_FILE: ${key} does not go with the certificate in ${cert} (${(err as Error).message})`,
        );
      }
    }
  }
  return problems;
}

const schema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(8000),
  PUBLIC_URL: httpUrl,
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  CONTROL_PLANE_URL: httpUrl,
  CONTROL_PLANE_TIMEOUT_MS: integer(50, 120_000).default(5000),
  CONTROL_PLANE_READ_RETRIES: integer(0, 5).default(2),
  // grpc-go's servers allow one PING per 5 minutes by default (keepalive.EnforcementPolicy).
  CONTROL_PLANE_KEEPALIVE_MS: integer(0, 7_200_000)
    .refine((ms) => ms === 0 || ms >= 10_000, 'must be 0 (no keepalive) or at least 10000')
    .default(300_000),
  CONTROL_PLANE_CA_FILE: pemFile('CERTIFICATE'),
  CONTROL_PLANE_CERT_FILE: pemFile('CERTIFICATE'),
  CONTROL_PLANE_KEY_FILE: pemFile('PRIVATE KEY'),
  CONTROL_PLANE_SERVER_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a DNS name')
    .optional(),
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(5000),
  SHUTDOWN_TIMEOUT_MS: integer(1000, 300_000).default(10_000),
  // Shorter than the idle timeout of every proxy between browsers and the console, and than
  // half the console's own for a silent connection (src/serve.ts, 60 s).
  LIVE_HEARTBEAT_MS: integer(200, 30_000).default(15_000),
  LIVE_STREAMS_PER_SESSION: integer(1, 10_000).default(20),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value, ctx): false | number | string[] => {
      if (value === 'false' || value === '') return false;
      if (/^\d+$/.test(value)) return Number(value);
      const entries = value.split(',').map((entry) => entry.trim());
      const bad = entries.filter((entry) => !isAddressOrRange(entry));
      if (bad.length === 0) return entries;
      ctx.addIssue({
        code: 'custom',
        message: `must be false, a number of proxy hops, or addresses and CIDR ranges separated by commas (not ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
      });
      return z.NEVER;
    }),
  // Tokens and the client secret travel to the issuer: plain http only on this machine.
  OIDC_ISSUER: httpUrl.refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
    } catch {
      return true; // reported above
    }
  }, 'must be an https:// URL (http:// only for an issuer on this machine: localhost, 127.0.0.1, [::1])'),
  OIDC_CLIENT_ID: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  OIDC_CLIENT_SECRET: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  OIDC_SCOPES: z.string().trim().min(1).default('openid profile email groups'),
  OIDC_AUDIENCE: z.string().trim().min(1).optional(),
  OIDC_ROLE_CLAIM: z.string().trim().min(1).default('groups'),
  OIDC_ROLE_MAP: z
    .string()
    .trim()
    .default('prism-admins=admin,prism-operators=operator,prism-viewers=viewer')
    .transform((value, ctx) => {
      const mapping: Record<string, Role> = {};
      for (const pair of value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [claim, role] = pair.split('=').map((p) => p.trim());
        if (!claim || (role !== 'admin' && role !== 'operator' && role !== 'viewer')) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair}" is not claim=role with a role of admin, operator or viewer`,
          });
          return z.NEVER;
        }
        mapping[claim] = role;
      }
      if (Object.keys(mapping).length === 0) {
        ctx.addIssue({ code: 'custom', message: 'maps no claim value to a role' });
        return z.NEVER;
      }
      return mapping;
    }),
  SERVICE_CLIENT_ID: z.string().trim().min(1, 'must not be empty').optional(),
  SERVICE_CLIENT_SECRET: z.string().trim().min(1, 'must not be empty').optional(),
  SESSION_KEY: z
    .string({ error: 'is required (32 random bytes, base64: openssl rand -base64 32)' })
    .trim()
    .transform((value, ctx) => {
      const key = Buffer.from(value, 'base64');
      if (!/^[A-Za-z0-9+/]{43}=?$/.test(value) || key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
        });
        return z.NEVER;
      }
      return key;
    }),
  SESSION_IDLE_TIMEOUT_SECONDS: integer(1, 86_400).default(30 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: integer(60, 30 * 86_400).default(12 * 3600),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
});

/** Variables the console knows; anything else with a console prefix is a typo worth refusing. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
const OWN_PREFIXES = [
  'CONTROL_PLANE_',
  'CONSOLE_',
  'SHUTDOWN_',
  'OIDC_',
  'SESSION_',
  'REDIS_',
  'SERVICE_CLIENT_',
];

/** The service client is an id and its secret: one without the other is a half-done deployment. */
function serviceClientProblems(env: Record<string, string | undefined>): string[] {
  // A blank value is named by the schema ("must not be empty"); here only an absent one.
  const id = env.SERVICE_CLIENT_ID !== undefined;
  const secret = env.SERVICE_CLIENT_SECRET !== undefined;
  if (id && !secret) {
    return ['SERVICE_CLIENT_SECRET: is required with SERVICE_CLIENT_ID (its secret)'];
  }
  if (secret && !id) {
    return ['SERVICE_CLIENT_ID: is required with SERVICE_CLIENT_SECRET (the client it belongs to)'];
  }
  return [];
}

/**
 * Reads and validates the configuration. Throws a ConfigError naming every problem at once,
 * so an operator fixes a deployment in one round rather than one variable per restart.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (OWN_PREFIXES.some((p) => key.startsWith(p)) && !CONFIG_VARIABLES.includes(key)) {
      problems.push(`${key}: unknown setting (known: ${CONFIG_VARIABLES.join(', ')})`);
    }
  }
  problems.push(...controlPlaneTlsProblems(env));
  problems.push(...serviceClientProblems(env));
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;
  return {
    host: v.HOST,
    port: v.PORT,
    publicUrl: new URL(v.PUBLIC_URL),
    logLevel: v.LOG_LEVEL,
    controlPlane: {
      url: v.CONTROL_PLANE_URL.replace(/\/+$/, ''),
      timeoutMs: v.CONTROL_PLANE_TIMEOUT_MS,
      readRetries: v.CONTROL_PLANE_READ_RETRIES,
      keepaliveMs: v.CONTROL_PLANE_KEEPALIVE_MS,
      tls: TLS_VARIABLES.some((key) => v[key] !== undefined)
        ? {
            caFile: v.CONTROL_PLANE_CA_FILE,
            certFile: v.CONTROL_PLANE_CERT_FILE,
            keyFile: v.CONTROL_PLANE_KEY_FILE,
            serverName: v.CONTROL_PLANE_SERVER_NAME,
          }
        : undefined,
    },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    liveHeartbeatMs: v.LIVE_HEARTBEAT_MS,
    liveStreamsPerSession: v.LIVE_STREAMS_PER_SESSION,
    trustProxy: v.TRUST_PROXY,
    oidc: {
      issuer: new URL(v.OIDC_ISSUER),
      clientId: v.OIDC_CLIENT_ID,
      clientSecret: v.OIDC_CLIENT_SECRET,
      scopes: v.OIDC_SCOPES,
      audience: v.OIDC_AUDIENCE,
      roleClaim: v.OIDC_ROLE_CLAIM,
      roleMapping: v.OIDC_ROLE_MAP,
    },
    serviceClient:
      v.SERVICE_CLIENT_ID !== undefined && v.SERVICE_CLIENT_SECRET !== undefined
        ? { clientId: v.SERVICE_CLIENT_ID, clientSecret: v.SERVICE_CLIENT_SECRET }
        : undefined,
    session: {
      key: v.SESSION_KEY,
      idleTimeoutMs: v.SESSION_IDLE_TIMEOUT_SECONDS * 1000,
      absoluteTimeoutMs: v.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000,
      redisUrl: v.REDIS_URL,
    },
  };
}
