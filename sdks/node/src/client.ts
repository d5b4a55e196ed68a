/** The client: the tokens API (seeds 000–002), LLM rehydration (seed 001), the PII API
 * (seed 003) and the audit listing. */

import { randomUUID } from 'node:crypto';
import { Auth, BearerSource, Transport } from './http.js';
import * as t from './types.js';

const API = '/api/v1/tokens';
const PII = '/api/client/v1/pii';
type Json = Record<string, unknown>;

export interface TokenVaultOptions {
  /** For tokenize and the PII API. */
  apiKey?: string;
  /** For grants, detokenize, rehydration and management: a JWT, or a function returning a fresh one. */
  jwt?: BearerSource;
  /** Default `http://127.0.0.1:8700`. */
  baseUrl?: string;
  /** Per request, default 10 000 ms. */
  timeoutMs?: number;
  /** Default 4. */
  maxRetries?: number;
  /** Total time for a call and its retries, default 30 000 ms. */
  deadlineMs?: number;
  /** A fetch implementation (default the global `fetch`). */
  fetch?: typeof fetch;
}

/** `client.pii`: the PII API of seed 003. */
export class PiiApi {
  constructor(private readonly t: Transport) {}

  private async run(action: string, text: string, policyKey: string, extra: Json = {}): Promise<t.PiiResult> {
    const m = await this.t.run<Json>({
      method: 'POST',
      path: `${PII}/${action}`,
      auth: 'client',
      body: { policy_key: policyKey, text, ...extra },
      replaySafe: true,
    });
    return t.piiResult(m);
  }

  detect(text: string, policyKey: string, opts: { locale?: string } = {}): Promise<t.PiiResult> {
    return this.run('detect', text, policyKey, opts);
  }
  redact(text: string, policyKey: string, opts: { locale?: string } = {}): Promise<t.PiiResult> {
    return this.run('redact', text, policyKey, opts);
  }
  mask(text: string, policyKey: string, opts: { locale?: string } = {}): Promise<t.PiiResult> {
    return this.run('mask', text, policyKey, opts);
  }
  tokenize(text: string, policyKey: string, opts: { locale?: string } = {}): Promise<t.PiiResult> {
    return this.run('tokenize', text, policyKey, opts);
  }
  scan(text: string, policyKey: string, opts: { action?: string; locale?: string } = {}): Promise<t.PiiResult> {
    return this.run('scan', text, policyKey, opts);
  }
  async detokenize(text: string, vault: t.PiiVault): Promise<{ outputText: string; replaced: number }> {
    const m = await this.t.run<Json>({ method: 'POST', path: `${PII}/detokenize`, auth: 'client', body: { text, vault }, replaySafe: true });
    return { outputText: String(m.output_text ?? ''), replaced: Number(m.replaced ?? 0) };
  }
}

export class TokenVault {
  /** @internal */
  readonly transport: Transport;
  readonly pii: PiiApi;

  constructor(options: TokenVaultOptions = {}) {
    this.transport = new Transport({
      baseUrl: options.baseUrl ?? 'http://127.0.0.1:8700',
      apiKey: options.apiKey,
      jwt: options.jwt,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 4,
      deadlineMs: options.deadlineMs ?? 30_000,
      fetch: options.fetch,
    });
    this.pii = new PiiApi(this.transport);
  }

  private call<T>(method: string, path: string, auth: Auth, body?: unknown, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.transport.run<T>({ method, path, auth, body, query });
  }

  /** Tokenizes items under a policy. Retries are safe: without an idempotencyKey the SDK makes one. */
  async tokenize(req: t.TokenizeRequest): Promise<t.TokenizeResult> {
    const body: Json = {
      items: req.items.map((i) => ({ value: i.value, pii_type: i.piiType, ...(i.mode ? { mode: i.mode } : {}) })),
      policy_id: req.policyId,
      idempotency_key: req.idempotencyKey ?? `sdk-${randomUUID()}`,
    };
    if (req.batchMode) body.batch_mode = req.batchMode;
    if (req.traceId) body.trace_id = req.traceId;
    const m = await this.transport.run<Json>({
      method: 'POST',
      path: `${API}/tokenize`,
      auth: 'apiKey',
      body,
      query: req.dryRun ? { dry_run: 'true' } : undefined,
      replaySafe: true,
    });
    return t.tokenizeResult(m);
  }

  /** Masks items for good (seed 001's strategies); nothing is stored. */
  async mask(req: t.MaskRequest): Promise<t.MaskResult> {
    const body: Json = {
      items: req.items.map((i) => ({
        value: i.value,
        pii_type: i.piiType,
        ...(i.strategy ? { strategy: i.strategy } : {}),
        ...(i.keepLast !== undefined ? { keep_last: i.keepLast } : {}),
      })),
      ...(req.strategy ? { strategy: req.strategy } : {}),
      ...(req.keepLast !== undefined ? { keep_last: req.keepLast } : {}),
      ...(req.scope ? { scope: req.scope } : {}),
      ...(req.batchMode ? { batch_mode: req.batchMode } : {}),
    };
    const m = await this.transport.run<Json>({ method: 'POST', path: `${API}/mask`, auth: 'apiKey', body, replaySafe: true });
    return t.maskResult(m);
  }

  /** A single-use grant to detokenize tokenIds for a purpose. */
  async createGrant(req: t.GrantRequest): Promise<t.Grant> {
    const m = await this.call<Json>('POST', `${API}/grant`, 'bearer', {
      token_ids: req.tokenIds,
      purpose: req.purpose,
      ...(req.reason !== undefined ? { reason: req.reason } : {}),
    });
    return { jwt: String(m.grant_jwt), expiresInSeconds: Number(m.expires_in_seconds ?? 0), traceId: String(m.trace_id ?? '') };
  }

  /** The values of tokens (ids or values) under a grant, which is consumed. */
  async detokenize(req: t.DetokenizeRequest): Promise<t.DetokenizeResult> {
    return t.detokenizeResult(await this.call<Json>('POST', `${API}/detokenize`, 'bearer', { tokens: req.tokens, grant_jwt: req.grantJwt }));
  }

  /** Every token's metadata, newest first, fetching cursor pages as it goes. */
  async *vault(opts: { piiType?: string; status?: string; pageSize?: number } = {}): AsyncGenerator<t.VaultEntry> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.call<Json>('GET', `${API}/vault`, 'bearer', undefined, {
        limit: opts.pageSize ?? 50,
        cursor,
        pii_type: opts.piiType,
        status: opts.status,
      });
      for (const e of (page.entries as Json[]) ?? []) yield t.vaultEntry(e);
      cursor = typeof page.next_cursor === 'string' ? page.next_cursor : undefined;
      if (!page.has_more || !cursor) return;
    }
  }

  /** Revokes a token. */
  async revoke(tokenId: string, reason?: string): Promise<{ tokenId: string; status: string; revokedAt: string }> {
    const m = await this.call<Json>('DELETE', `${API}/vault/${encodeURIComponent(tokenId)}`, 'bearer', reason !== undefined ? { reason } : {});
    return { tokenId: String(m.token_id), status: String(m.status), revokedAt: String(m.revoked_at) };
  }

  async listPolicies(): Promise<t.Policy[]> {
    const m = await this.call<unknown>('GET', `${API}/policies`, 'bearer');
    return (Array.isArray(m) ? m : ((m as Json).policies as t.Policy[])) as t.Policy[];
  }
  getPolicy(id: string): Promise<t.Policy> {
    return this.call('GET', `${API}/policies/${encodeURIComponent(id)}`, 'bearer');
  }
  createPolicy(policy: Json): Promise<t.Policy> {
    return this.call('POST', `${API}/policies`, 'bearer', policy);
  }
  updatePolicy(id: string, policy: Json): Promise<t.Policy> {
    return this.call('PUT', `${API}/policies/${encodeURIComponent(id)}`, 'bearer', policy);
  }
  async deletePolicy(id: string): Promise<void> {
    await this.call('DELETE', `${API}/policies/${encodeURIComponent(id)}`, 'bearer');
  }

  async usage(): Promise<t.Usage> {
    return t.usage(await this.call<Json>('GET', `${API}/usage`, 'bearer'));
  }

  // Management: each needs a JWT whose roles hold the endpoint's permission.

  private manage<T = Json>(method: string, path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<T> {
    return this.call<T>(method, `${API}${path}`, 'bearer', body, query);
  }
  /** The caller's roles and permissions. */
  myPermissions(): Promise<t.Permissions> {
    return this.manage<t.Permissions>('GET', '/permissions');
  }
  /** The role → permission mapping. */
  listRoles(): Promise<Json> {
    return this.manage('GET', '/roles');
  }
  /** Maps a role to permissions (may answer a pending change under the two-person rule). */
  setRole(role: string, permissions: string[]): Promise<Json> {
    return this.manage('PUT', `/roles/${encodeURIComponent(role)}`, { permissions });
  }
  deleteRole(role: string): Promise<Json> {
    return this.manage('DELETE', `/roles/${encodeURIComponent(role)}`);
  }
  /** Changes waiting under the two-person rule. */
  listChanges(status?: string): Promise<Json> {
    return this.manage('GET', '/changes', undefined, { status });
  }
  decideChange(id: string, approve: boolean): Promise<Json> {
    return this.manage('POST', `/changes/${encodeURIComponent(id)}/${approve ? 'approve' : 'reject'}`);
  }
  tenant(): Promise<t.Tenant> {
    return this.manage<t.Tenant>('GET', '/tenant');
  }
  setTenantSettings(settings: { quota?: number; twoPersonRule?: boolean }): Promise<Json> {
    return this.manage('PUT', '/tenant/settings', {
      ...(settings.quota !== undefined ? { quota: settings.quota } : {}),
      ...(settings.twoPersonRule !== undefined ? { two_person_rule: settings.twoPersonRule } : {}),
    });
  }
  /** The emergency stop. */
  setKillSwitch(on: boolean): Promise<Json> {
    return this.manage('PUT', '/tenant/kill-switch', { on });
  }
  listApiKeys(): Promise<t.ApiKeyList> {
    return this.manage<t.ApiKeyList>('GET', '/api-keys');
  }
  /** A new API key; its secret (`api_key`) is shown once. */
  createApiKey(name: string): Promise<t.ApiKeyCreated> {
    return this.manage<t.ApiKeyCreated>('POST', '/api-keys', { name });
  }
  revokeApiKey(id: string): Promise<Json> {
    return this.manage('DELETE', `/api-keys/${encodeURIComponent(id)}`);
  }
  keyVersions(): Promise<t.KeyVersions> {
    return this.manage<t.KeyVersions>('GET', '/keys');
  }
  rotateKeys(): Promise<Json> {
    return this.manage('POST', '/keys/rotate');
  }

  health(): Promise<{ status: string; version: string; store: string }> {
    return this.call('GET', `${API}/health`, 'none');
  }

  /** A model's reply with the vault tokens in it restored (under a grant, or a purpose). */
  async rehydrate(text: string, opts: { grantJwt?: string; purpose?: string; reason?: string } = {}): Promise<t.Rehydrated> {
    const m = await this.call<Json>('POST', `${API}/rehydrate`, 'bearer', {
      text,
      ...(opts.grantJwt ? { grant_jwt: opts.grantJwt } : {}),
      ...(opts.purpose ? { purpose: opts.purpose } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    return {
      outputText: String(m.output_text ?? ''),
      tokens: ((m.tokens as Json[]) ?? []).map((x) => ({ token: String(x.token), status: String(x.status), occurrences: Number(x.occurrences ?? 0) })),
      restoredCount: Number(m.restored_count ?? 0),
      leftCount: Number(m.left_count ?? 0),
      traceId: String(m.trace_id ?? ''),
    };
  }

  /** Rehydrates model output as it arrives: chunk events as text settles, then a done event. */
  async *rehydrateStream(chunks: AsyncIterable<string> | Iterable<string>, opts: { purpose: string; reason?: string }): AsyncGenerator<t.StreamEvent> {
    async function* lines(): AsyncGenerator<unknown> {
      yield { purpose: opts.purpose, ...(opts.reason ? { reason: opts.reason } : {}) };
      for await (const c of chunks as AsyncIterable<string>) yield { chunk: c };
    }
    for await (const line of this.transport.stream(`${API}/rehydrate/stream`, 'bearer', lines())) {
      if (line.done) {
        yield { type: 'done', tokensSeen: Number(line.tokens_seen ?? 0), restoredCount: Number(line.restored_count ?? 0), leftCount: Number(line.left_count ?? 0) };
        return;
      }
      yield { type: 'chunk', text: String(line.chunk ?? '') };
    }
  }

  /** The audit log, newest first, fetching pages as it goes. */
  async *audit(opts: { action?: string; actor?: string; tokenId?: string; traceId?: string; result?: string; pageSize?: number } = {}): AsyncGenerator<t.AuditEvent> {
    let before: number | undefined;
    for (;;) {
      const page = await this.call<Json>('GET', `${API}/audit`, 'bearer', undefined, {
        action: opts.action,
        actor: opts.actor,
        token_id: opts.tokenId,
        trace_id: opts.traceId,
        result: opts.result,
        limit: opts.pageSize ?? 100,
        before,
      });
      const events = (page.events as Json[]) ?? [];
      for (const e of events) yield t.auditEvent(e);
      if (!events.length || typeof page.next_before !== 'number') return;
      before = page.next_before;
    }
  }
}
