/** Small stroke icons for the navigation (inline SVG: no font or network needed). */
import type { PageId } from '../lib/route.js';

const paths: Record<PageId, string> = {
  live: 'M6 3v3M6 14v3M5 6h2v8H5zM14 3v5M14 15v2M13 8h2v7h-2z',
  decisions: 'M10 3v14M5 17h10M4 7l-2 5h4zM16 7l-2 5h4zM4 7h12',
  portfolio: 'M10 3a7 7 0 1 0 7 7h-7zM12 1.5a7 7 0 0 1 6.5 6.5H12z',
  risk: 'M10 2l6 2.5v5c0 4-2.7 6.8-6 8-3.3-1.2-6-4-6-8v-5zM7.5 10l2 2 3.5-4',
  backtests: 'M3 10a7 7 0 1 0 2-5M3 3v4h4M10 6v4l3 2',
  system: 'M2 10h3l2-5 3 10 2-7 2 2h4',
};

export function NavIcon({ page }: { page: PageId }) {
  return (
    <svg width="18" height="18" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={paths[page]} />
    </svg>
  );
}
