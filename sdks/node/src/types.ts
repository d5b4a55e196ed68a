/** Request and response types, camelCase in JavaScript (the wire is snake_case). */

type Json = Record<string, unknown>;
const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const os = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

export interface TokenizeItem {
  value: string;
  piiType: string;
  mode?: string;
}

export interface TokenizeRequest {
  items: TokenizeItem[];
  policyId: string;
  idempotencyKey?: string;
  batchMode?: 'BEST_EFFORT' | 'ALL_OR_NOTHING';
  dryRun?: boolean;
  traceId?: string;
}

export interface TokenizeItemResult {
  status: string;
  tokenId?: string;
  token?: string;
  mode?: string;
  reason?: string;
  error?: { code: string; message: string };
  expiresAt?: string;
  masked?: string;
}

export interface TokenizeResult {
  results: TokenizeItemResult[];
  successCount: number;
  failureCount: number;
  skippedCount: number;
  maskedCount: number;
  batchPolicyVersion: number;
  traceId: string;
  dryRun: boolean;
}

export function tokenizeResult(m: Json): TokenizeResult {
  return {
    results: ((m.results as Json[]) ?? []).map((r) => {
      const e = r.error as Json | undefined;
      return {
        status: s(r.status),
        tokenId: os(r.token_id),
        token: os(r.token),
        mode: os(r.mode),
        reason: os(r.reason),
        error: e ? { code: s(e.code), message: s(e.message) } : undefined,
        expiresAt: os(r.expires_at),
        masked: os(r.masked),
      };
    }),
    successCount: n(m.success_count),
    failureCount: n(m.failure_count),
    skippedCount: n(m.skipped_count),
    maskedCount: n(m.masked_count),
    batchPolicyVersion: n(m.batch_policy_version),
    traceId: s(m.trace_id),
    dryRun: m.dry_run === true,
  };
}

export interface GrantRequest {
  tokenIds: string[];
  purpose: string;
  reason?: string;
}

export interface Grant {
  jwt: string;
  expiresInSeconds: number;
  traceId: string;
}

export interface DetokenizeRequest {
  tokens: string[];
  grantJwt: string;
}

export interface DetokenizeItemResult {
  tokenId: string;
  status: string;
  value?: string;
  revokedAt?: string;
}

export interface DetokenizeResult {
  results: DetokenizeItemResult[];
  successCount: number;
  failureCount: number;
  traceId: string;
}

export function detokenizeResult(m: Json): DetokenizeResult {
  return {
    results: ((m.results as Json[]) ?? []).map((r) => ({
      tokenId: s(r.token_id),
      status: s(r.status),
      value: os(r.value),
      revokedAt: os(r.revoked_at),
    })),
    successCount: n(m.success_count),
    failureCount: n(m.failure_count),
    traceId: s(m.trace_id),
  };
}

export interface VaultEntry {
  tokenId: string;
  piiType: string;
  mode: string;
  scope: string;
  status: string;
  policyId: string;
  policyVersion: number;
  keyVersion: number;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

export function vaultEntry(m: Json): VaultEntry {
  return {
    tokenId: s(m.token_id),
    piiType: s(m.pii_type),
    mode: s(m.mode),
    scope: s(m.scope),
    status: s(m.status),
    policyId: s(m.policy_id),
    policyVersion: n(m.policy_version),
    keyVersion: n(m.key_version),
    createdAt: s(m.created_at),
    expiresAt: os(m.expires_at),
    revokedAt: os(m.revoked_at),
  };
}

export interface Usage {
  tokensCreated: number;
  active: number;
  revoked: number;
  expired: number;
  operationsThisPeriod: number;
  quota?: number;
  periodStart: string;
  periodEnd: string;
}

export function usage(m: Json): Usage {
  return {
    tokensCreated: n(m.tokens_created),
    active: n(m.active),
    revoked: n(m.revoked),
    expired: n(m.expired),
    operationsThisPeriod: n(m.operations_this_period),
    quota: typeof m.quota === 'number' ? m.quota : undefined,
    periodStart: s(m.period_start),
    periodEnd: s(m.period_end),
  };
}

/** A policy as the server answers it (snake_case, as its definition is written). */
export type Policy = Json & { id: string; name: string; version: number };

export interface Rehydrated {
  outputText: string;
  tokens: { token: string; status: string; occurrences: number }[];
  restoredCount: number;
  leftCount: number;
  traceId: string;
}

export type StreamEvent =
  | { type: 'chunk'; text: string }
  | { type: 'done'; tokensSeen: number; restoredCount: number; leftCount: number };

export interface PiiFinding {
  category: string;
  value: string;
  start: number;
  end: number;
  severity: string;
  confidence: number;
  blocking: boolean;
  label: string;
  replacement?: string;
}

export type PiiVault = Record<string, { value: string; category: string }>;

export interface PiiResult {
  policyKey: string;
  policyName: string;
  action: string;
  findings: PiiFinding[];
  outputText: string;
  inputLength: number;
  hasBlocking: boolean;
  languages: string[];
  locale: string;
  vault?: PiiVault;
}

export function piiResult(m: Json): PiiResult {
  return {
    policyKey: s(m.policy_key),
    policyName: s(m.policy_name),
    action: s(m.action),
    findings: ((m.findings as Json[]) ?? []).map((f) => ({
      category: s(f.category),
      value: s(f.value),
      start: n(f.start),
      end: n(f.end),
      severity: s(f.severity),
      confidence: n(f.confidence),
      blocking: f.blocking === true,
      label: s(f.label),
      replacement: os(f.replacement),
    })),
    outputText: s(m.output_text),
    inputLength: n(m.input_length),
    hasBlocking: m.has_blocking === true,
    languages: ((m.languages as string[]) ?? []).map(String),
    locale: s(m.locale),
    vault: (m.vault as PiiVault | undefined) ?? undefined,
  };
}

export interface AuditEvent {
  seq: number;
  at: string;
  action: string;
  actor: string;
  result: string;
  traceId: string;
  tokenIds: string[];
  purpose?: string;
  reason?: string;
  hash: string;
  prevHash: string;
  detail: unknown;
}

export function auditEvent(m: Json): AuditEvent {
  return {
    seq: n(m.seq),
    at: s(m.at),
    action: s(m.action),
    actor: s(m.actor),
    result: s(m.result),
    traceId: s(m.trace_id),
    tokenIds: ((m.token_ids as string[]) ?? []).map(String),
    purpose: os(m.purpose),
    reason: os(m.reason),
    hash: s(m.hash),
    prevHash: s(m.prev_hash),
    detail: m.detail,
  };
}

export interface MaskRequest {
  items: { value: string; piiType: string; strategy?: string; keepLast?: number }[];
  strategy?: 'redact' | 'partial' | 'category' | 'hash' | 'null';
  keepLast?: number;
  scope?: string;
  batchMode?: 'BEST_EFFORT' | 'ALL_OR_NOTHING';
}

export interface MaskResult {
  results: { index: number; status: string; masked?: string; error?: { code: string; message: string } }[];
  successCount: number;
  failureCount: number;
  traceId: string;
}

export function maskResult(m: Json): MaskResult {
  return {
    results: ((m.results as Json[]) ?? []).map((r) => {
      const e = r.error as Json | undefined;
      return { index: n(r.index), status: s(r.status), masked: os(r.masked), error: e ? { code: s(e.code), message: s(e.message) } : undefined };
    }),
    successCount: n(m.success_count),
    failureCount: n(m.failure_count),
    traceId: s(m.trace_id),
  };
}

/** Management answers with a fixed shape (as the server writes them, snake_case). Role and
 * change calls answer either their result or a pending change, and stay `Record`s. */
export interface Permissions {
  actor: string;
  roles: string[];
  permissions: string[];
}
export interface ApiKeyInfo {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}
export interface ApiKeyList {
  api_keys: ApiKeyInfo[];
}
export interface ApiKeyCreated {
  id: string;
  name: string;
  /** The secret, shown this once. */
  api_key: string;
}
export interface KeyVersions {
  current_version: number;
  versions: { version: number; created_at: string }[];
}
export interface Tenant {
  tenant_id: string;
  name: string;
  created_at: string;
  kill_switch: boolean;
  quota: number | null;
  two_person_rule: boolean;
}
