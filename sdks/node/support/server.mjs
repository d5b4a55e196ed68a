// Starts the real `tokenvault` binary (TOKENVAULT_BIN) on a fresh data directory and a free
// port, with the credentials `tokenvault init --json` prints; the seeds' two policies in place.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenVault } from '../dist/esm/index.js';

const bin = process.env.TOKENVAULT_BIN;
if (!bin) throw new Error('set TOKENVAULT_BIN to the tokenvault binary (cargo test does)');

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startServer() {
  const data = mkdtempSync(join(tmpdir(), 'tv-node-'));
  const boot = JSON.parse(execFileSync(bin, ['--data-dir', data, 'init', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  const port = await freePort();
  const child = spawn(bin, ['--data-dir', data, 'serve', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, TOKENVAULT_LOG: 'warn' },
    stdio: 'ignore',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/api/v1/tokens/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = new TokenVault({ apiKey: boot.api_key, jwt: boot.admin_jwt, baseUrl });
  await client.createPolicy({
    id: 'pol_hipaa', name: 'HIPAA', type_rules: { us_ssn: {}, email: {} },
    allowed_roles: ['admin'], allowed_purposes: ['customer_support'], require_reason: false,
  });
  await client.createPolicy({
    name: 'Support Intake', key: 'support-intake', allowed_roles: ['admin'], allowed_purposes: ['customer_support'],
    detection: { categories: ['email', 'creditCard', 'iban'], languages: ['global'], blocking: ['creditCard'], default_action: 'redact' },
  });
  return {
    baseUrl, apiKey: boot.api_key, adminJwt: boot.admin_jwt, client,
    stop() { child.kill(); rmSync(data, { recursive: true, force: true }); },
  };
}
