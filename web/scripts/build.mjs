// Builds the dashboard into web/dist (what the API server serves at `/`). The root `prepare`
// script runs this with --if-available so `npm ci && npm start` works on a fresh clone without a
// separate step; an install without dev dependencies (no Vite) skips the build with a note instead
// of failing. The build needs no network.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const ifAvailable = process.argv.includes('--if-available');

let vite;
try {
  vite = await import('vite');
} catch {
  const message = 'dashboard not built: Vite is not installed (install dev dependencies, then run `npm run build:web`)';
  if (ifAvailable) {
    console.warn(message);
    process.exit(0);
  }
  console.error(message);
  process.exit(1);
}

const started = Date.now();
await vite.build({ root, configFile: `${root}/vite.config.ts`, logLevel: 'warn' });
console.log(`dashboard built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
