import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A bar chart drawn by uPlot (about 20 kB gzip, canvas, kept up to date), over a labelled
 * category axis. The canvas is an image with a summary; the same figures are in a table beside it
 * for screen readers (the caller's).
 */
export function BarChart({
  labels,
  values,
  label,
  summary,
  color = '#0b5cad',
}: {
  labels: readonly string[];
  values: readonly number[];
  label: string;
  summary: string;
  color?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) {
      return;
    }
    const xs = labels.map((_, i) => i);
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { show: true, points: { show: false } },
        scales: {
          x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] },
          y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
        },
        axes: [
          {
            values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? (labels[s] ?? '') : '')),
            gap: 4,
            size: 40,
          },
          { values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? String(s) : '')) },
        ],
        series: [
          {},
          {
            label,
            fill: color,
            stroke: color,
            paths: uPlot.paths.bars?.({ size: [0.7, 60] }),
            points: { show: false },
          },
        ],
      },
      [xs, [...values]],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [labels, values, label, color]);
  return <div ref={box} className="chart" role="img" aria-label={summary} />;
}
