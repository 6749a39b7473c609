/** `arbiter strategies`: the built-in strategies with their parameters, defaults and doc comments. */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { describeBuiltinStrategies } from '../../strategy/loader.js';

export function registerStrategies(program: Command): void {
  program
    .command('strategies')
    .description('list the built-in strategies and their parameters')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await describeBuiltinStrategies();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      for (const s of list) {
        out.push(`${s.name} — ${s.description} (strategies/${s.file})`);
        if (s.params.length === 0) {
          out.push('  no parameters', '');
          continue;
        }
        const table = new Table({ head: ['param', 'type', 'default', 'allowed', 'meaning'], style: { head: [], border: [] }, wordWrap: true, colWidths: [null, null, null, null, 60] });
        for (const p of s.params) table.push([p.name, p.type, p.default === undefined ? '—' : JSON.stringify(p.default), p.range ?? '', p.description ?? '']);
        out.push(table.toString().replace(/^/gm, '  '), '');
      }
      out.push('Run one: arbiter backtest --data BTC_USDT-1h.csv --strategy <name> [--param key=value ...]');
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
