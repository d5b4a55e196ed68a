/** The HTTP layer: credentials per call, the SDK version header, timeouts, and retries with
 * exponential backoff and full jitter for retryable answers and connection failures,
 * honouring Retry-After and bounded by a total deadline. Nothing from a request is logged. */

import { ConnectionFailedError, MissingCredentialError, TokenVaultError, fromResponse } from './errors.js';
import { SDK_VERSION } from './version.js';

export const SDK_VERSION_HEADER = 'X-Tokenvault-SDK-Version';

/** A bearer token, or a (possibly async) function that returns a fresh one (OIDC). */
export type BearerSource = string | (() => string | Promise<string>);
export type Auth = 'apiKey' | 'bearer' | 'client' | 'none';

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  jwt?: BearerSource;
  timeoutMs: number;
  maxRetries: number;
  deadlineMs: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface Call {
  method: string;
  path: string;
  auth: Auth;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** May be sent again after a connection failed mid-request. */
  replaySafe?: boolean;
}

export class Transport {
  readonly baseUrl: string;
  private readonly o: TransportOptions;
  private readonly fetchFn: typeof fetch;
  sleep: (ms: number) => Promise<void>;

  constructor(o: TransportOptions) {
    this.o = o;
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.fetchFn = o.fetch ?? fetch;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private missing(what: string, code: string): MissingCredentialError {
    return new MissingCredentialError({ code, message: `this call needs ${what}` });
  }

  async headers(auth: Auth): Promise<Record<string, string>> {
    const h: Record<string, string> = { [SDK_VERSION_HEADER]: SDK_VERSION, Accept: 'application/json' };
    if (auth === 'none') return h;
    if (auth === 'apiKey' || (auth === 'client' && this.o.apiKey)) {
      if (!this.o.apiKey) throw this.missing('an API key: pass apiKey to the client', 'MISSING_API_KEY');
      if (auth === 'apiKey') h['X-API-Key'] = this.o.apiKey;
      else h.Authorization = `Bearer ${this.o.apiKey}`;
      return h;
    }
    const src = this.o.jwt;
    if (src === undefined) {
      throw auth === 'client'
        ? this.missing('an API key or a JWT: pass apiKey or jwt to the client', 'MISSING_CREDENTIAL')
        : this.missing('a bearer JWT: pass jwt (a string or a function returning one)', 'MISSING_JWT');
    }
    const token = typeof src === 'function' ? await src() : src;
    if (!token) throw this.missing('a bearer JWT: the jwt function returned none', 'MISSING_JWT');
    h.Authorization = `Bearer ${token}`;
    return h;
  }

  url(call: Call): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.baseUrl}${call.path}${qs ? `?${qs}` : ''}`;
  }

  private backoff(attempt: number): number {
    return Math.random() * Math.min(5000, 200 * 2 ** attempt);
  }

  /** One call, retried while the policy and deadline allow; its JSON answer. */
  async run<T>(call: Call): Promise<T> {
    const headers = await this.headers(call.auth);
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    const replaySafe = call.replaySafe || ['GET', 'PUT', 'DELETE'].includes(call.method);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const allowed = (delay: number) =>
        attempt < this.o.maxRetries && Date.now() - started + delay <= this.o.deadlineMs;
      let response: Response;
      try {
        response = await this.fetchFn(this.url(call), {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (e) {
        // fetch fails before any byte of an answer; whether the request went out is unknown
        // unless the connection was refused, so only replay-safe calls are sent again.
        const refused = String((e as { cause?: { code?: string } })?.cause?.code ?? '') === 'ECONNREFUSED';
        const failure = new ConnectionFailedError({
          code: 'CONNECTION_FAILED',
          message: `could not reach the server (${(e as Error)?.name ?? 'error'})`,
          retryable: refused || replaySafe,
        });
        const delay = this.backoff(attempt);
        if (!failure.retryable || !allowed(delay)) throw failure;
        await this.sleep(delay);
        continue;
      }
      if (response.status < 400) {
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const error = await errorOf(response);
      const delay = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : this.backoff(attempt);
      if (!error.retryable || !allowed(delay)) throw error;
      await this.sleep(delay);
    }
  }

  /** Sends lines as NDJSON and yields the answer's lines as they arrive (not retried). */
  async *stream(path: string, auth: Auth, lines: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<Record<string, unknown>> {
    const headers = { ...(await this.headers(auth)), 'Content-Type': 'application/x-ndjson' };
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for await (const line of lines as AsyncIterable<unknown>) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        controller.close();
      },
    });
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers,
        body,
        duplex: 'half',
      } as RequestInit);
    } catch (e) {
      throw new ConnectionFailedError({ code: 'CONNECTION_FAILED', message: `the stream failed (${(e as Error)?.name ?? 'error'})` });
    }
    if (response.status >= 400) throw await errorOf(response);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += value;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const raw = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!raw) continue;
        const line = JSON.parse(raw) as Record<string, unknown>;
        if ('error' in line) throw fromResponse(response.status, line);
        yield line;
      }
      if (done) return;
    }
  }
}

async function errorOf(response: Response): Promise<TokenVaultError> {
  let body: unknown = undefined;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const header = response.headers.get('retry-after');
  const after = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  return fromResponse(response.status, body, after);
}
