// Every setting of the engine, read and validated in one place so that a bad value stops a process with the
// whole list of problems; its length is the number of settings.
import { CASES_TASK_QUEUE } from '../../contracts/src/task-queues';
import { readCodecKeyRing, type CodecKeyRing } from './codec-keys';

/** Typed configuration, read from the environment once at start and validated as a whole. */

export interface DatabaseConfig {
  url: string;
  /** Connections of the process's pool (DATABASE_POOL_SIZE, default 10). */
  poolSize?: number;
  /** Migrations and seeds run as the role that owns the tables (DATABASE_OWNER_URL, else DATABASE_URL); the API and worker never do. */
  ownerUrl?: string;
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Keys that seal payloads (TEMPORAL_CODEC_KEYS or TEMPORAL_CODEC_KEYS_FILE); without them payloads travel and rest in clear. */
  codecKeys?: CodecKeyRing;
  /**
   * Cases filed from now on set the search attributes of CASE_SEARCH_ATTRIBUTES (TEMPORAL_SEARCH_ATTRIBUTES=on,
   * default off): turn it on once they are registered on the namespace. Pinned in each case at filing.
   */
  searchAttributes?: boolean;
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** Remote key set of an OIDC provider; takes precedence over a local public key. */
  jwksUrl?: string;
  /** PEM (SPKI) public key of a local key pair, when no JWKS URL is given. */
  publicKeyFile?: string;
  algorithms: string[];
  /** Oldest token accepted, counted from its `iat`, and the longest life (`exp - iat`) a token may claim (AUTH_MAX_TOKEN_AGE, default 12h). */
  maxTokenAgeSeconds?: number;
  /** Clock skew allowed between the issuer and the engine (AUTH_CLOCK_TOLERANCE, default 30s). */
  clockToleranceSeconds?: number;
  /** How long keys fetched from AUTH_JWKS_URL are trusted before they are fetched again (AUTH_JWKS_CACHE, default 10m). */
  jwksCacheSeconds?: number;
  /**
   * The dashboard's public client at the OpenID provider (AUTH_DASHBOARD_CLIENT_ID): set, the dashboard
   * signs users in with the authorization code flow and PKCE at AUTH_ISSUER; unset, by pasted token only.
   */
  dashboardClientId?: string;
  /** Scopes the dashboard asks for (AUTH_DASHBOARD_SCOPES, default `openid`). */
  dashboardScopes?: string;
}

/** Throttling of authentication failures, per client address and per claimed subject. */
export interface RateLimitConfig {
  /** Failed authentications allowed per window before 429 (AUTH_FAILURE_LIMIT, default 60; 0 turns throttling off). */
  authFailures: number;
  /** The window, in seconds (AUTH_FAILURE_WINDOW, default 60). */
  windowSeconds: number;
}

export interface ApiConfig {
  host: string;
  port: number;
  /** How long a command or filing waits for the workflow's answer before the API answers 202 (COMMAND_WAIT_MS, default 10 000). */
  commandWaitMs?: number;
  /** How long Idempotency-Keys of commands are kept (IDEMPOTENCY_RETENTION_HOURS, default 720); filings' keys live as long as their case. */
  idempotencyRetentionHours?: number;
  /** Origins of the Temporal UI allowed to call /codec from a browser (CODEC_CORS_ORIGINS, comma-separated). */
  codecCorsOrigins?: string[];
  /** Throttling of failed authentications (AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW). */
  rateLimit?: RateLimitConfig;
  /** Hosts a webhook endpoint may reach over plain http (WEBHOOK_HTTP_HOSTS, comma-separated; default none: https only). */
  webhookHttpHosts?: string[];
}

/** Where the bytes of case documents are kept, and how large one may be. */
export interface DocumentsConfig {
  /** The largest document accepted, in bytes (DOCUMENT_MAX_BYTES, default 50 MiB): larger uploads are 413. */
  maxBytes: number;
  /**
   * How far documents drive new MLA cases (DOCUMENT_RULES): `attested` (default) takes the certified
   * translation and the evidence as documents of the case, and still accepts a translation referenced
   * but not attached, or results without evidence documents (paper, physical evidence, another
   * channel), with a warning; `strict` refuses both. Pinned on each case at filing.
   */
  rules?: 'attested' | 'strict';
  /** Where new documents are stored (DOCUMENT_STORE): `postgres` (default, chunked in the engine's database) or `s3`. */
  store: 'postgres' | 's3';
  /** S3-compatible storage (S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE, S3_PREFIX). */
  s3?: {
    endpoint?: string;
    region: string;
    bucket: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
    prefix?: string;
  };
}

export const DEFAULT_DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;

export interface AppConfig {
  database: DatabaseConfig;
  temporal: TemporalConfig;
  auth: AuthConfig;
  api: ApiConfig;
  logLevel: LogLevel;
  /** Absent: documents in PostgreSQL, at most DEFAULT_DOCUMENT_MAX_BYTES each. */
  documents?: DocumentsConfig;
}

/** What only the worker needs. */
export interface WorkerConfig extends Pick<AppConfig, 'database' | 'temporal' | 'logLevel'> {
  personKey: PersonKeyConfig;
  statistics: StatisticsConfig;
  metrics: WorkerMetricsConfig;
  notifications: NotificationsConfig;
  health: WorkerHealthConfig;
  sizing: WorkerSizing;
}

export interface WorkerHealthConfig {
  /** host:port of the worker's /health/live and /health/ready (WORKER_HEALTH_ADDRESS, default 127.0.0.1:9465); null when set to `off`. */
  address: string | null;
}

/**
 * How much a worker replica holds and runs at once (docs/operations.md, "Sizing the worker"). Every open
 * case is a running workflow: one that is not in the cache is replayed from its history whenever it
 * wakes (a clock, a command), so the cache should hold the open cases the replica serves.
 */
export interface WorkerSizing {
  /** WORKER_OPEN_CASES (default 10 000): the open cases this replica serves; sets the default cache size. */
  openCases: number;
  /** WORKER_MAX_CACHED_WORKFLOWS (default open cases + 10 %): workflows kept in memory between tasks. */
  maxCachedWorkflows: number;
  /** WORKER_WORKFLOW_TASKS (default 40): workflow tasks run at once. */
  maxConcurrentWorkflowTasks: number;
  /** WORKER_ACTIVITIES (default twice the pool): activities run at once; each projection holds one connection. */
  maxConcurrentActivities: number;
  /** WORKER_STICKY_TIMEOUT_SECONDS (default 10): how long a task waits for the replica that caches its workflow. */
  stickyQueueTimeoutSeconds: number;
}

/** Delivery of notifications by webhook and mail (docs/operations.md). */
export interface NotificationsConfig {
  /** SMTP_URL (smtp:// or smtps://, credentials in the URL): unset, nobody is mailed. */
  smtpUrl?: string;
  /** SMTP_FROM: the sender of every mail. */
  smtpFrom: string;
  /** MAIL_CASE_URL: the link to a case in mails, `{caseId}` replaced by its id. */
  caseUrl: string;
  /** NOTIFY_DIGEST_HOUR: the UTC hour of the daily digest (0–23), or -1 (`off`) to delete its Schedule. */
  digestHourUtc: number;
  /** WEBHOOK_RETRY_INITIAL, WEBHOOK_RETRY_MAX (durations) and WEBHOOK_RETRY_ATTEMPTS: backoff of webhook and mail deliveries. */
  retry: { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };
  /** WEBHOOK_TIMEOUT: how long one webhook call may take. */
  webhookTimeoutMs: number;
}

export interface WorkerMetricsConfig {
  /** host:port of the worker's Prometheus endpoint (WORKER_METRICS_ADDRESS, default 127.0.0.1:9464); null when set to `off`. */
  address: string | null;
}

export interface PersonKeyConfig {
  /** Key of the HMAC that turns (requested State, person identifier) into the person workflow's id. */
  secret: string;
  /** True when the published local default is in use: fine on a laptop, never in a deployment. */
  isLocalDefault: boolean;
}

export interface StatisticsConfig {
  /** Period of the `statistics-refresh` Schedule in seconds; 0 deletes the Schedule. */
  refreshSeconds: number;
}

/**
 * Published, so that `npm start` and the tests run without setup. With it, anyone who knows an
 * identifier can find its person workflow: a deployment sets PERSON_KEY_SECRET (32+ characters) and
 * keeps it, since changing it forgets every open request's registration.
 */
export const LOCAL_PERSON_KEY_SECRET = 'local-only-person-key-not-for-deployment';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The levels a Nest logger writes at LOG_LEVEL `level`: that level and every more severe one. */
export function nestLogLevels(level: LogLevel): Array<'debug' | 'log' | 'warn' | 'error' | 'fatal'> {
  const severities = ['debug', 'log', 'warn', 'error', 'fatal'] as const;
  return severities.slice(severities.indexOf(level === 'info' ? 'log' : level));
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(readonly env: Env) {}

  text(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const value = this.text(name, fallback);
    if (!value) return value;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
      }
    } catch {
      this.problems.push(`${name} is not a URL`);
    }
    return value;
  }

  port(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      this.problems.push(`${name} must be a port number between 0 and 65535 (got "${raw}")`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    }
    return raw as T;
  }

  hostPort(name: string, fallback: string): string {
    const value = this.text(name, fallback);
    if (value && !/^[A-Za-z0-9.\-[\]:]+:\d+$/.test(value)) this.problems.push(`${name} must be host:port (got "${value}")`);
    return value;
  }

  /** host:port, or the word `off` (null). */
  hostPortOrOff(name: string, fallback: string): string | null {
    return this.optional(name) === 'off' ? null : this.hostPort(name, fallback);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}")`);
    }
    return value;
  }

  /** A duration as seconds, or with a unit: 90, 90s, 15m, 12h, 1d. */
  duration(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const m = /^(\d+)(s|m|h|d)?$/.exec(raw);
    const value = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : NaN;
    if (!(value >= min && value <= max)) {
      this.problems.push(`${name} must be a duration between ${min} s and ${max} s, as 90, 90s, 15m, 12h or 1d (got "${raw}")`);
    }
    return value;
  }

  done<T>(value: T): T {
    if (this.problems.length) throw new ConfigError(this.problems);
    return value;
  }
}

function readDatabase(r: Reader): DatabaseConfig {
  const url = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  return {
    url,
    ownerUrl: r.optional('DATABASE_OWNER_URL') ? r.url('DATABASE_OWNER_URL', ['postgres:', 'postgresql:']) : url,
    poolSize: r.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
  };
}

function readTemporal(r: Reader): TemporalConfig {
  return {
    address: r.hostPort('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    namespace: r.text('TEMPORAL_NAMESPACE', 'default'),
    taskQueue: r.text('TEMPORAL_TASK_QUEUE', CASES_TASK_QUEUE),
    codecKeys: readCodecKeys(r),
    searchAttributes: r.oneOf('TEMPORAL_SEARCH_ATTRIBUTES', ['on', 'off'] as const, 'off') === 'on',
  };
}

function readCodecKeys(r: Reader): CodecKeyRing | undefined {
  const { ring, problems } = readCodecKeyRing(r.env);
  r.problems.push(...problems);
  return ring;
}

/** Where the Temporal UI runs by default (`npm start`, the compose file's loopback port). */
export const DEFAULT_CODEC_CORS_ORIGINS = ['http://127.0.0.1:8233', 'http://localhost:8233'];

function readCodecCorsOrigins(r: Reader): string[] {
  const raw = r.optional('CODEC_CORS_ORIGINS');
  if (raw === undefined) return DEFAULT_CODEC_CORS_ORIGINS;
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin;
    } catch {}
    if (!ok) r.problems.push(`CODEC_CORS_ORIGINS must list origins such as https://temporal-ui.example.org, without path (got "${origin}")`);
  }
  return origins;
}

function readAuth(r: Reader): AuthConfig {
  const jwksUrl = r.optional('AUTH_JWKS_URL');
  const publicKeyFile = r.optional('AUTH_PUBLIC_KEY_FILE');
  if (!jwksUrl && !publicKeyFile) {
    r.problems.push("one of AUTH_JWKS_URL (an OIDC provider's key set) or AUTH_PUBLIC_KEY_FILE (a PEM public key) is required");
  }
  if (jwksUrl) r.url('AUTH_JWKS_URL', ['https:', 'http:']);
  const dashboardClientId = r.optional('AUTH_DASHBOARD_CLIENT_ID');
  const issuer = r.text('AUTH_ISSUER', 'mla-engine-local');
  // The dashboard finds the provider's endpoints from the issuer's discovery document: the issuer must be its URL.
  if (dashboardClientId && !URL.canParse(issuer)) r.problems.push("AUTH_DASHBOARD_CLIENT_ID is set: AUTH_ISSUER must be the OpenID provider's URL (https://…)");
  return {
    issuer,
    audience: r.text('AUTH_AUDIENCE', 'mla-engine'),
    jwksUrl,
    publicKeyFile,
    algorithms: r
      .text('AUTH_ALGORITHMS', 'ES256,RS256')
      .split(',')
      .map((a) => a.trim()),
    maxTokenAgeSeconds: r.duration('AUTH_MAX_TOKEN_AGE', 12 * 3600, 60, 31 * 86400),
    clockToleranceSeconds: r.duration('AUTH_CLOCK_TOLERANCE', 30, 0, 600),
    jwksCacheSeconds: r.duration('AUTH_JWKS_CACHE', 600, 1, 86400),
    dashboardClientId,
    dashboardScopes: r.text('AUTH_DASHBOARD_SCOPES', 'openid'),
  };
}

export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  const r = new Reader(env);
  return r.done(readDatabase(r));
}

function readDocuments(r: Reader): DocumentsConfig {
  const store = r.oneOf('DOCUMENT_STORE', ['postgres', 's3'] as const, 'postgres');
  const maxBytes = r.integer('DOCUMENT_MAX_BYTES', DEFAULT_DOCUMENT_MAX_BYTES, 1, 4 * 1024 * 1024 * 1024);
  const bucket = r.optional('S3_BUCKET');
  if (store === 's3' && !bucket) r.problems.push('S3_BUCKET is required when DOCUMENT_STORE=s3');
  const endpoint = r.optional('S3_ENDPOINT') ? r.url('S3_ENDPOINT', ['http:', 'https:']) : undefined;
  const accessKeyId = r.optional('S3_ACCESS_KEY_ID');
  const secretAccessKey = r.optional('S3_SECRET_ACCESS_KEY');
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) r.problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are given together');
  const s3 = bucket
    ? {
        endpoint,
        region: r.text('S3_REGION', 'us-east-1'),
        bucket,
        accessKeyId,
        secretAccessKey,
        forcePathStyle: r.oneOf('S3_FORCE_PATH_STYLE', ['true', 'false'] as const, endpoint ? 'true' : 'false') === 'true',
        prefix: r.optional('S3_PREFIX'),
      }
    : undefined;
  const rules = r.oneOf('DOCUMENT_RULES', ['attested', 'strict'] as const, 'attested');
  return { maxBytes, store, s3, rules };
}

function readPersonKey(r: Reader): PersonKeyConfig {
  const secret = r.optional('PERSON_KEY_SECRET');
  if (secret !== undefined && secret.length < 32) {
    r.problems.push('PERSON_KEY_SECRET must be at least 32 characters (a random secret, kept for the life of the deployment)');
  }
  return { secret: secret ?? LOCAL_PERSON_KEY_SECRET, isLocalDefault: secret === undefined };
}

function readWorkerSizing(r: Reader, poolSize: number): WorkerSizing {
  const openCases = r.integer('WORKER_OPEN_CASES', 10_000, 0, 10_000_000);
  return {
    openCases,
    maxCachedWorkflows: r.integer('WORKER_MAX_CACHED_WORKFLOWS', openCases + Math.ceil(openCases / 10), 0, 10_000_000),
    maxConcurrentWorkflowTasks: r.integer('WORKER_WORKFLOW_TASKS', 40, 2, 10_000),
    maxConcurrentActivities: r.integer('WORKER_ACTIVITIES', 2 * poolSize, 1, 10_000),
    stickyQueueTimeoutSeconds: r.integer('WORKER_STICKY_TIMEOUT_SECONDS', 10, 1, 3600),
  };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const r = new Reader(env);
  const database = readDatabase(r);
  return r.done({
    database,
    temporal: readTemporal(r),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    personKey: readPersonKey(r),
    statistics: { refreshSeconds: r.integer('STATS_REFRESH_SECONDS', 300, 0, 31 * 86400) },
    metrics: { address: r.hostPortOrOff('WORKER_METRICS_ADDRESS', '127.0.0.1:9464') },
    health: { address: r.hostPortOrOff('WORKER_HEALTH_ADDRESS', '127.0.0.1:9465') },
    sizing: readWorkerSizing(r, database.poolSize ?? 10),
    notifications: readNotifications(r),
  });
}

function readNotifications(r: Reader): NotificationsConfig {
  const smtpUrl = r.optional('SMTP_URL') ? r.url('SMTP_URL', ['smtp:', 'smtps:']) : undefined;
  const smtpFrom = r.text('SMTP_FROM', 'MLA engine <no-reply@localhost>');
  if (!/@/.test(smtpFrom)) r.problems.push(`SMTP_FROM must be a mail address, optionally with a name (got "${smtpFrom}")`);
  const caseUrl = r.text('MAIL_CASE_URL', 'http://127.0.0.1:3000/dashboard/#/cases/{caseId}');
  if (!caseUrl.includes('{caseId}')) r.problems.push('MAIL_CASE_URL must contain {caseId}, where the case id goes');
  const digest = r.optional('NOTIFY_DIGEST_HOUR') === 'off' ? -1 : r.integer('NOTIFY_DIGEST_HOUR', 6, 0, 23);
  const initial = r.duration('WEBHOOK_RETRY_INITIAL', 5, 1, 3600);
  const maximum = r.duration('WEBHOOK_RETRY_MAX', 3600, 1, 86400);
  if (maximum < initial) r.problems.push('WEBHOOK_RETRY_MAX must not be shorter than WEBHOOK_RETRY_INITIAL');
  return {
    smtpUrl,
    smtpFrom,
    caseUrl,
    digestHourUtc: digest,
    retry: { initialIntervalMs: initial * 1000, maximumIntervalMs: maximum * 1000, maximumAttempts: r.integer('WEBHOOK_RETRY_ATTEMPTS', 30, 1, 1000) },
    webhookTimeoutMs: r.duration('WEBHOOK_TIMEOUT', 10, 1, 120) * 1000,
  };
}

/** WEBHOOK_HTTP_HOSTS: host names (no scheme, no port) a webhook may reach over plain http, for tests and laptops. */
function readWebhookHttpHosts(r: Reader): string[] {
  const raw = r.optional('WEBHOOK_HTTP_HOSTS');
  if (raw === undefined) return [];
  const hosts = raw
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of hosts)
    if (!/^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/.test(h)) r.problems.push(`WEBHOOK_HTTP_HOSTS must list host names such as localhost (got "${h}")`);
  return hosts;
}

export function loadApiConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  return r.done({
    database: readDatabase(r),
    temporal: readTemporal(r),
    auth: readAuth(r),
    api: {
      host: r.text('API_HOST', '127.0.0.1'),
      port: r.port('API_PORT', 3000),
      commandWaitMs: r.integer('COMMAND_WAIT_MS', 10_000, 100, 300_000),
      idempotencyRetentionHours: r.integer('IDEMPOTENCY_RETENTION_HOURS', 720, 1, 24 * 3650),
      codecCorsOrigins: readCodecCorsOrigins(r),
      rateLimit: { authFailures: r.integer('AUTH_FAILURE_LIMIT', 60, 0, 1_000_000), windowSeconds: r.duration('AUTH_FAILURE_WINDOW', 60, 1, 86400) },
      webhookHttpHosts: readWebhookHttpHosts(r),
    },
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    documents: readDocuments(r),
  });
}
