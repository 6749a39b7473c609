/**
 * Finding and launching Debian's chromium for the browser tests (playwright-core drives it over
 * CDP; no browser is downloaded). Without chromium the tests skip with one line, unless CI is set:
 * CI installs chromium (.ci/run), so there a missing browser is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The chromium binary: $CHROMIUM_PATH when set (only that), else /usr/bin/chromium or `chromium` on the PATH. */
export function findChromium(): string | undefined {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path;
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

export const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** Flags for a quiet, isolated, offline-friendly headless run. */
export const chromiumArgs = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio',
];

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  readonly close: () => Promise<void>;
}

/**
 * Launches chromium with a fresh profile directory (`--user-data-dir`, which playwright sets from
 * the persistent context's directory), removed on close.
 */
export async function launchChromium(executablePath: string, viewport = { width: 1440, height: 900 }): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'arbiter-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromiumArgs,
    viewport,
    timeout: 60_000,
    // Times on the dashboard are UTC whatever the zone; a non-UTC zone shows that they are.
    timezoneId: 'America/New_York',
    locale: 'en-US',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
