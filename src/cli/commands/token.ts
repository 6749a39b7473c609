/**
 * `arbiter token create|list|revoke`: API tokens for the server (docs/api.md). Only the token's
 * SHA-256 is stored (in the database's audit log); the token is printed once, at creation.
 */
import type { Command } from 'commander';
import type { Storage } from '../../storage/port.js';

interface DatabaseOption {
  database?: string;
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('create, list and revoke API tokens (scopes: read, trade, admin)');
  token
    .command('create')
    .description('create a token; it is printed once and only its hash is stored')
    .requiredOption('--scope <scopes>', 'read, trade or admin (admin includes trade, trade includes read); several: --scope read,trade')
    .option('--label <text>', 'a name to recognise the token by in listings and the audit log')
    .option('--json', 'print {"token": "…", "id": "…", "scopes": […]}')
    .option('--database <url>', 'database URL (default: DATABASE_URL, else sqlite:./data/arbiter.db)')
    .addHelpText('after', `
Examples:
  npx arbiter token create --scope trade --json      # {"token":"arb_…","id":"tok_…","scopes":["trade"]}
  curl -H "Authorization: Bearer arb_…" http://127.0.0.1:8080/api/v1/account`)
    .action(async (options: DatabaseOption & { scope: string; label?: string; json?: boolean }) => {
      const { parseScopes, TokenStore } = await import('../../api/auth/tokens.js');
      const scopes = parseScopes(options.scope);
      if (options.label !== undefined && (options.label.length > 100 || options.label.trim() === '')) {
        const { ConfigurationError } = await import('../../core/errors.js');
        throw new ConfigurationError('a label is 1 to 100 characters', '--label');
      }
      await withStorage(options.database, async (storage) => {
        const tokens = await TokenStore.open(storage.audit);
        const { token: value, record } = await tokens.create({ scopes, actor: `cli:${process.env.USER ?? 'user'}`, ...(options.label ? { label: options.label.trim() } : {}) });
        if (options.json) process.stdout.write(`${JSON.stringify({ token: value, id: record.id, scopes: record.scopes })}\n`);
        else process.stdout.write(`${value}\n\nid ${record.id}, scopes ${record.scopes.join(', ')}. Keep it secret: it is shown once; only its hash is stored.\nUse it as: Authorization: Bearer ${value.slice(0, 8)}…\n`);
      });
    });
  token
    .command('list')
    .description('list active tokens (ids, scopes, labels; never the tokens)')
    .option('--json', 'print JSON')
    .option('--database <url>', 'database URL')
    .action(async (options: DatabaseOption & { json?: boolean }) => {
      const { TokenStore } = await import('../../api/auth/tokens.js');
      await withStorage(options.database, async (storage) => {
        const list = (await (await TokenStore.open(storage.audit)).list()).filter((t) => t.source === 'stored');
        if (options.json) {
          process.stdout.write(`${JSON.stringify(list.map((t) => ({ id: t.id, scopes: t.scopes, label: t.label ?? null, created_at: t.createdAt, created_by: t.createdBy })))}\n`);
          return;
        }
        if (list.length === 0) process.stdout.write('no tokens; create one with: npx arbiter token create --scope read\n');
        for (const t of list) process.stdout.write(`${t.id}  ${t.scopes.join(',').padEnd(11)} ${new Date(t.createdAt).toISOString()}  ${t.label ?? ''}\n`);
      });
    });
  token
    .command('revoke <id>')
    .description('revoke a token by id (running servers stop accepting it within a second)')
    .option('--database <url>', 'database URL')
    .action(async (id: string, options: DatabaseOption) => {
      const { TokenStore } = await import('../../api/auth/tokens.js');
      const { ConfigurationError } = await import('../../core/errors.js');
      await withStorage(options.database, async (storage) => {
        const revoked = await (await TokenStore.open(storage.audit)).revoke(id, `cli:${process.env.USER ?? 'user'}`);
        if (!revoked) throw new ConfigurationError(`no active token ${id} (see npx arbiter token list)`, 'id');
        process.stdout.write(`revoked ${id}\n`);
      });
    });
}

async function withStorage(url: string | undefined, fn: (storage: Storage) => Promise<void>): Promise<void> {
  const { openStorage } = await import('../../storage/open.js');
  const storage = await openStorage(url ?? process.env.DATABASE_URL);
  try {
    await fn(storage);
  } finally {
    await storage.close();
  }
}
