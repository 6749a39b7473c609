/** Helpers for looking at the dashboard in chromium: drawn pixels, screenshots, collected errors. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const screenshotDir = join(process.cwd(), 'test-results', 'screenshots');

/** Saves a screenshot of the whole page (or only the viewport, e.g. with a modal dialog open). */
export async function screenshot(page: Page, name: string, options: { readonly fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/**
 * Counts pixels of the given colours (±tolerance per channel) on the canvases inside the element
 * matched by `selector`: proof that a chart drew candles or a line, not merely that a canvas exists.
 */
export async function countCanvasPixels(page: Page, selector: string, colours: ReadonlyArray<readonly [number, number, number]>, tolerance = 40): Promise<number> {
  return page.evaluate(({ selector, colours, tolerance }) => {
    // Runs in the page; the project's types have no DOM, so the little it uses is declared here.
    interface Canvas { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null }
    const { document } = globalThis as unknown as { document: { querySelector(s: string): { querySelectorAll(s: 'canvas'): Iterable<Canvas> } | null } };
    const host = document.querySelector(selector);
    if (!host) return -1;
    let hits = 0;
    for (const canvas of host.querySelectorAll('canvas')) {
      if (canvas.width === 0 || canvas.height === 0) continue;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!data) continue;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! < 128) continue;
        for (const [r, g, b] of colours) {
          if (Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance) {
            hits++;
            break;
          }
        }
      }
    }
    return hits;
  }, { selector, colours, tolerance });
}

/** A numeric attribute of the first element matching `selector` (NaN while absent). */
export async function numericAttribute(page: Page, selector: string, name: string): Promise<number> {
  const value = await page.locator(selector).first().getAttribute(name, { timeout: 15_000 });
  return value === null ? Number.NaN : Number(value);
}

/** Errors the page reported: uncaught exceptions and console errors (each as text). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  return errors;
}

/** The chart colours of web/src/components/charts.tsx. */
export const colours = {
  up: [0x26, 0xa6, 0x9a] as const,
  down: [0xef, 0x53, 0x50] as const,
  accent: [0x5b, 0x8d, 0xef] as const,
};
