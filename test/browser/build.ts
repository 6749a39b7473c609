/** Builds the dashboard from the current sources into a directory of the test's own. */
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));

export async function buildDashboard(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ root: webRoot, configFile: `${webRoot}vite.config.ts`, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}
