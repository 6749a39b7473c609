/**
 * lightweight-charts wrapped for React: a candle chart (indicators, markers, stop/target lines,
 * live appends) and a time-series chart (equity, drawdown). Charts are canvases, so each
 * container carries a text summary in `aria-label` and counts in data attributes.
 */
import { useEffect, useRef } from 'react';
import {
  AreaSeries, BaselineSeries, CandlestickSeries, ColorType, createChart, createSeriesMarkers, HistogramSeries, LineSeries, LineStyle,
  type IChartApi, type IPriceLine, type ISeriesApi, type ISeriesMarkersPluginApi, type SeriesMarker, type SeriesType, type Time,
  type UTCTimestamp, type DeepPartial, type ChartOptions,
} from 'lightweight-charts';
import { chartable, toChartTime, type Point } from '../lib/series.js';

export interface Candle {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume?: number;
}

export interface Overlay {
  readonly id: string;
  readonly label: string;
  readonly points: readonly Point[];
  readonly color: string;
  /** 0 draws on the candles; 1+ in a pane below (oscillators). */
  readonly pane: number;
}

export interface Marker {
  readonly time: number;
  readonly side: 'buy' | 'sell';
  readonly text?: string;
}

export interface PriceLevel {
  readonly price: number;
  readonly kind: 'stop' | 'target' | 'entry';
  readonly label: string;
}

const palette = {
  text: '#c9d1e1',
  grid: 'rgba(120, 135, 165, 0.12)',
  border: 'rgba(120, 135, 165, 0.35)',
  up: '#26a69a',
  down: '#ef5350',
  accent: '#5b8def',
  stop: '#ef5350',
  target: '#26a69a',
  entry: '#c9a227',
};

function baseOptions(): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: palette.text, fontFamily: 'Inter, system-ui, sans-serif', fontSize: 12 },
    grid: { vertLines: { color: palette.grid }, horzLines: { color: palette.grid } },
    rightPriceScale: { borderColor: palette.border },
    timeScale: { borderColor: palette.border, timeVisible: true, secondsVisible: false },
    crosshair: { mode: 0 },
    localization: { timeFormatter: (t: Time) => (typeof t === 'number' ? new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ') : JSON.stringify(t)) },
  };
}

const ts = (ms: number): UTCTimestamp => toChartTime(ms) as UTCTimestamp;

export interface CandleChartProps {
  readonly candles: readonly Candle[];
  readonly overlays?: readonly Overlay[];
  readonly markers?: readonly Marker[];
  readonly levels?: readonly PriceLevel[];
  readonly height?: number;
  readonly label: string;
}

/** Candles with indicator overlays, trade markers and horizontal stop/target lines. */
export function CandleChart({ candles, overlays = [], markers = [], levels = [], height = 420, label }: CandleChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | undefined>(undefined);
  const candleSeries = useRef<ISeriesApi<'Candlestick'> | undefined>(undefined);
  const markerPlugin = useRef<ISeriesMarkersPluginApi<Time> | undefined>(undefined);
  const overlaySeries = useRef(new Map<string, ISeriesApi<SeriesType>>());
  const priceLines = useRef<IPriceLine[]>([]);
  const drawn = useRef<{ first: number; count: number; last: number } | undefined>(undefined);

  useEffect(() => {
    const c = createChart(host.current!, baseOptions());
    chart.current = c;
    candleSeries.current = c.addSeries(CandlestickSeries, {
      upColor: palette.up, downColor: palette.down, wickUpColor: palette.up, wickDownColor: palette.down, borderVisible: false,
    });
    markerPlugin.current = createSeriesMarkers(candleSeries.current, []);
    const series = overlaySeries.current;
    return () => {
      series.clear();
      drawn.current = undefined;
      priceLines.current = [];
      c.remove();
      chart.current = undefined;
    };
  }, []);

  // Candles: a live append or an update of the last bar goes through `update`; anything else redraws.
  useEffect(() => {
    const series = candleSeries.current;
    if (!series) return;
    const rows = chartable(candles, (c) => [c.open, c.high, c.low, c.close].every(Number.isFinite));
    const prev = drawn.current;
    const first = rows[0]?.time ?? 0;
    const last = rows[rows.length - 1]?.time ?? 0;
    const toBar = (c: Candle) => ({ time: ts(c.time), open: c.open, high: c.high, low: c.low, close: c.close });
    if (prev && prev.count > 0 && rows.length >= prev.count && rows[0]!.time === prev.first && rows[prev.count - 1]!.time === prev.last) {
      for (let i = Math.max(0, prev.count - 1); i < rows.length; i++) series.update(toBar(rows[i]!));
    } else {
      series.setData(rows.map(toBar));
      if (!prev || prev.first !== first) chart.current?.timeScale().fitContent();
    }
    drawn.current = { first, count: rows.length, last };
  }, [candles]);

  // Indicator overlays, keyed by id so toggling one leaves the others alone.
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const existing = overlaySeries.current;
    const wanted = new Set(overlays.map((o) => o.id));
    for (const [id, s] of existing) {
      if (!wanted.has(id)) {
        c.removeSeries(s);
        existing.delete(id);
      }
    }
    for (const o of overlays) {
      let s = existing.get(o.id);
      if (!s) {
        s = c.addSeries(LineSeries, { color: o.color, lineWidth: 2, title: o.label, priceLineVisible: false, lastValueVisible: true }, o.pane);
        existing.set(o.id, s);
      }
      s.setData(chartable(o.points, (p) => Number.isFinite(p.value)).map((p) => ({ time: ts(p.time), value: p.value })));
    }
    const panes = c.panes();
    for (let i = panes.length - 1; i >= 1; i--) {
      if (panes[i]!.getSeries().length === 0) c.removePane(i);
      else panes[i]!.setStretchFactor(0.35);
    }
  }, [overlays]);

  useEffect(() => {
    const list: Array<SeriesMarker<Time>> = [];
    // Several fills in one bar each keep their marker (unlike series data, markers may share a time).
    const byTime = [...markers].filter((m) => Number.isFinite(m.time)).sort((a, b) => a.time - b.time);
    for (const m of byTime) {
      list.push({
        time: ts(m.time),
        position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
        shape: m.side === 'buy' ? 'arrowUp' : 'arrowDown',
        color: m.side === 'buy' ? palette.up : palette.down,
        text: m.text ?? (m.side === 'buy' ? 'B' : 'S'),
      });
    }
    markerPlugin.current?.setMarkers(list);
  }, [markers]);

  useEffect(() => {
    const series = candleSeries.current;
    if (!series) return;
    for (const line of priceLines.current) series.removePriceLine(line);
    priceLines.current = levels
      .filter((l) => Number.isFinite(l.price))
      .map((l) => series.createPriceLine({
        price: l.price, color: palette[l.kind], lineWidth: 1, lineStyle: l.kind === 'entry' ? LineStyle.Dotted : LineStyle.Dashed,
        axisLabelVisible: true, title: l.label,
      }));
  }, [levels]);

  const lastClose = candles[candles.length - 1]?.close;
  return (
    <div
      ref={host}
      className="chart"
      style={{ height }}
      role="img"
      aria-label={`${label}: ${candles.length} candles${lastClose !== undefined ? `, last close ${lastClose}` : ''}, ${markers.length} trade markers, ${levels.length} price lines`}
      data-testid="candle-chart"
      data-candles={candles.length}
      data-markers={markers.length}
      data-levels={levels.length}
      data-overlays={overlays.length}
    />
  );
}

export interface TimeSeries {
  readonly id: string;
  readonly label: string;
  readonly points: readonly Point[];
  readonly kind: 'line' | 'area' | 'histogram' | 'baseline';
  readonly color?: string;
  /** Values are fractions shown as percentages. */
  readonly percent?: boolean;
}

export interface SeriesChartProps {
  readonly series: readonly TimeSeries[];
  readonly height?: number;
  readonly label: string;
  readonly testId?: string;
}

/** Equity, drawdown and similar series over time. */
export function SeriesChart({ series, height = 220, label, testId }: SeriesChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | undefined>(undefined);
  const drawn = useRef(new Map<string, { api: ISeriesApi<SeriesType>; kind: TimeSeries['kind']; first: number; count: number; last: number }>());

  useEffect(() => {
    // A fixed scale width lines up the time axes of charts stacked on one page (equity over drawdown).
    const c = createChart(host.current!, { ...baseOptions(), rightPriceScale: { borderColor: palette.border, scaleMargins: { top: 0.1, bottom: 0.05 }, minimumWidth: 84 } });
    chart.current = c;
    const map = drawn.current;
    return () => {
      map.clear();
      c.remove();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const map = drawn.current;
    const wanted = new Set(series.map((s) => s.id));
    for (const [id, s] of map) {
      if (!wanted.has(id)) {
        c.removeSeries(s.api);
        map.delete(id);
      }
    }
    let redrawn = false;
    for (const s of series) {
      let entry = map.get(s.id);
      if (entry && entry.kind !== s.kind) {
        c.removeSeries(entry.api);
        entry = undefined;
      }
      if (!entry) {
        entry = { api: addTimeSeries(c, s), kind: s.kind, first: NaN, count: 0, last: NaN };
        map.set(s.id, entry);
      }
      const rows = chartable(s.points, (p) => Number.isFinite(p.value));
      const point = (p: Point) => ({ time: ts(p.time), value: s.percent ? p.value * 100 : p.value });
      // A live append goes through `update`, which keeps the user's zoom; anything else redraws.
      if (entry.count > 0 && rows.length >= entry.count && rows[0]!.time === entry.first && rows[entry.count - 1]!.time === entry.last) {
        for (let i = entry.count - 1; i < rows.length; i++) entry.api.update(point(rows[i]!));
      } else {
        entry.api.setData(rows.map(point));
        redrawn = true;
      }
      entry.first = rows[0]?.time ?? NaN;
      entry.count = rows.length;
      entry.last = rows[rows.length - 1]?.time ?? NaN;
    }
    if (redrawn) c.timeScale().fitContent();
  }, [series]);

  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <div
      ref={host}
      className="chart"
      style={{ height }}
      role="img"
      aria-label={`${label}: ${series.map((s) => `${s.label} (${s.points.length} points)`).join(', ') || 'no data'}`}
      data-testid={testId}
      data-points={points}
    />
  );
}

function addTimeSeries(c: IChartApi, s: TimeSeries): ISeriesApi<SeriesType> {
  const color = s.color ?? palette.accent;
  const priceFormat = s.percent ? { type: 'custom' as const, formatter: (v: number) => `${v.toFixed(2)}%`, minMove: 0.01 } : undefined;
  const common = { title: '', priceLineVisible: false, ...(priceFormat ? { priceFormat } : {}) };
  switch (s.kind) {
    case 'area':
      return c.addSeries(AreaSeries, { ...common, lineColor: color, topColor: `${color}55`, bottomColor: `${color}05`, lineWidth: 2 });
    case 'histogram':
      return c.addSeries(HistogramSeries, { ...common, color });
    case 'baseline':
      return c.addSeries(BaselineSeries, {
        ...common, baseValue: { type: 'price', price: 0 }, topLineColor: palette.up, bottomLineColor: palette.down,
        topFillColor1: 'rgba(38,166,154,0.25)', topFillColor2: 'rgba(38,166,154,0.02)', bottomFillColor1: 'rgba(239,83,80,0.02)', bottomFillColor2: 'rgba(239,83,80,0.3)',
      });
    case 'line':
      return c.addSeries(LineSeries, { ...common, color, lineWidth: 2 });
  }
}
