import { z } from 'zod';

/** Everything the console reads from its environment, validated once at start. */
export interface Config {
  host: string;
  port: number;
  /** The address operators use to reach the console; links and redirects are built from it. */
  publicUrl: URL;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  controlPlane: {
    url: string;
    /** Deadline of every call, retries included. */
    timeoutMs: number;
    /** Extra attempts for idempotent reads that fail UNAVAILABLE. */
    readRetries: number;
  };
  /** On SIGTERM, how long readiness fails before the listener closes. */
  shutdownGraceMs: number;
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

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const schema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(8000),
  PUBLIC_URL: httpUrl.optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  CONTROL_PLANE_URL: httpUrl,
  CONTROL_PLANE_TIMEOUT_MS: integer(50, 120_000).default(5000),
  CONTROL_PLANE_READ_RETRIES: integer(0, 5).default(2),
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(0),
});

/** Variables the console knows; anything else with a console prefix is a typo worth refusing. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
const OWN_PREFIXES = ['CONTROL_PLANE_', 'CONSOLE_', 'SHUTDOWN_'];

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
    publicUrl: new URL(v.PUBLIC_URL ?? `http://${v.HOST}:${v.PORT}`),
    logLevel: v.LOG_LEVEL,
    controlPlane: {
      url: v.CONTROL_PLANE_URL.replace(/\/+$/, ''),
      timeoutMs: v.CONTROL_PLANE_TIMEOUT_MS,
      readRetries: v.CONTROL_PLANE_READ_RETRIES,
    },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
  };
}
