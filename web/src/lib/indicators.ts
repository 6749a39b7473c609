/** Indicator specs (`ema(period=50)`) and where their lines are drawn. Pure (tested). */
import type { ChartOhlcv, IndicatorInfo } from '../api/types.js';
import type { Overlay } from '../components/charts.js';

/** Indicators offered as one-click chips; any other spec can be typed in. */
export const quickIndicators = ['ema(period=20)', 'ema(period=50)', 'bbands', 'rsi(period=14)', 'macd', 'atr(period=14)'];

export const overlayColors = ['#f0b429', '#7c5cff', '#36c5f0', '#ff7eb6', '#9ccc65', '#ffa270', '#b39ddb', '#4dd0e1'];

/** The indicator name of a spec: `ema(period=50)` → `ema`. */
export function specName(spec: string): string {
  return spec.trim().replace(/\(.*$/, '').trim().toLowerCase();
}

/**
 * Checks a typed spec's syntax (`name` or `name(key=value, …)`); returns a message or undefined.
 * The server validates names and values and answers 400 naming the problem; this only catches typos early.
 */
export function specProblem(spec: string): string | undefined {
  const s = spec.trim();
  if (!s) return 'type an indicator, e.g. sma(period=30)';
  if (!/^[a-z][a-z0-9_-]*(\(\s*([a-z][a-zA-Z0-9_]*\s*=\s*[^,()=\s]+\s*)(,\s*[a-z][a-zA-Z0-9_]*\s*=\s*[^,()=\s]+\s*)*\))?$/i.test(s)) {
    return `"${s}" is not name(key=value, …)`;
  }
  return undefined;
}

const overlayGroups = new Set(['moving-average', 'price', 'levels']);
const paneGroups = new Set(['momentum', 'oscillator', 'volume', 'statistics', 'pattern']);

/**
 * Whether an indicator shares the price pane: by its group when that decides, otherwise by
 * whether its values live in the candles' price range (Bollinger bands do, ATR does not).
 */
export function drawsOnPrice(group: string | undefined, values: ReadonlyArray<number | null>, low: number, high: number): boolean {
  if (group && overlayGroups.has(group)) return true;
  if (group && paneGroups.has(group)) return false;
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0 || !(high > low)) return false;
  const span = high - low;
  const inside = finite.filter((v) => v >= low - span && v <= high + span).length;
  return inside / finite.length > 0.9;
}

/** The chart response's indicator lines as overlays: one colour per line, one pane per lower indicator. */
export function overlaysFrom(chart: ChartOhlcv | undefined, catalogue: readonly IndicatorInfo[]): Overlay[] {
  if (!chart?.indicators) return [];
  const candles = chart.candles;
  let low = Infinity;
  let high = -Infinity;
  for (const c of candles) {
    if (c.low < low) low = c.low;
    if (c.high > high) high = c.high;
  }
  const out: Overlay[] = [];
  let pane = 0;
  let colour = 0;
  for (const [spec, result] of Object.entries(chart.indicators)) {
    const group = catalogue.find((i) => i.name === result.name)?.group;
    const lines = Object.entries(result.lines);
    const onPrice = lines.every(([, values]) => drawsOnPrice(group, values, low, high));
    const paneIndex = onPrice ? 0 : ++pane;
    for (const [line, values] of lines) {
      const points = [];
      for (let i = 0; i < values.length && i < candles.length; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isFinite(v)) points.push({ time: candles[i]!.time, value: v });
      }
      const label = lines.length === 1 ? spec : `${spec} ${line}`;
      out.push({ id: `${spec}:${line}`, label, points, color: overlayColors[colour++ % overlayColors.length]!, pane: paneIndex });
    }
  }
  return out;
}
