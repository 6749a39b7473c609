/**
 * Extra sections a strategy adds to the report of its run (the ensemble adds `heads`, `decisions`
 * and `ensemble`). A definition is shared by every run of the strategy, so the sections are looked
 * up by the run's params object — the one `setup` receives and the host keeps as `host.params`.
 */
import type { StrategyDefinition } from './define.js';

/** Sections for the run whose parsed params are `params`, or undefined. */
export type ReportSectionsProvider = (params: unknown) => Readonly<Record<string, unknown>> | undefined;

/** A strategy definition that adds sections to its run's report. */
export type ReportingStrategy<P> = StrategyDefinition<P> & { readonly reportSections: ReportSectionsProvider };

/**
 * Attaches a report-sections provider to a definition.
 * @example
 * const runs = new WeakMap<object, () => Record<string, unknown>>();
 * export default withReportSections(defineStrategy({ ..., setup({ params }) { runs.set(params, () => ({ heads: [] })); … } }),
 *   (params) => runs.get(params as object)?.());
 */
export function withReportSections<P>(definition: StrategyDefinition<P>, provider: ReportSectionsProvider): ReportingStrategy<P> {
  return Object.assign(definition, { reportSections: provider });
}

/** The sections a definition adds for a run (none for ordinary strategies). */
export function reportSectionsOf(definition: StrategyDefinition, params: unknown): Readonly<Record<string, unknown>> | undefined {
  const provider = (definition as Partial<ReportingStrategy<unknown>>).reportSections;
  return typeof provider === 'function' ? provider(params) : undefined;
}
