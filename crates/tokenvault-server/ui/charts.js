// Charts drawn as SVG from numbers the API returns; each comes with its data as a table for
// screen readers and for anyone who would rather read.

import { h, svg, table } from './dom.js';

const W = 640;
const H = 200;
const PAD = { left: 44, right: 8, top: 8, bottom: 28 };

function ticks(max) {
  const top = Math.max(1, max);
  const step = Math.pow(10, Math.floor(Math.log10(top)));
  const nice = Math.ceil(top / step) * step;
  return [0, nice / 2, nice];
}

/**
 * Grouped bars over time: `labels` along the axis, `series` = [{name, cls, values}].
 * Returns a figure with the chart, a legend and the data table.
 */
export function barChart(title, labels, series) {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const scale = ticks(max);
  const top = scale[scale.length - 1];
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(1, (slot * 0.8) / series.length);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart' },
    svg('title', {}, title));
  for (const t of scale) {
    const y = PAD.top + plotH - (t / top) * plotH;
    chart.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }),
      svg('text', { x: PAD.left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, String(t)));
  }
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] || 0;
      const bh = (v / top) * plotH;
      chart.append(svg('rect', {
        x: PAD.left + i * slot + slot * 0.1 + j * barW, y: PAD.top + plotH - bh,
        width: barW, height: bh, class: `bar ${s.cls}`,
      }, svg('title', {}, `${label} ${s.name}: ${v}`)));
    });
    const every = Math.ceil(labels.length / 8);
    if (i % every === 0) {
      chart.append(svg('text', { x: PAD.left + i * slot + slot / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle' }, label));
    }
  });
  const legend = h('ul', { class: 'legend' },
    series.map((s) => h('li', {}, h('span', { class: `swatch ${s.cls}`, 'aria-hidden': 'true' }), s.name)));
  const data = h('details', {}, h('summary', {}, 'Show the data'),
    table(title, ['', ...series.map((s) => s.name)],
      labels.map((l, i) => [l, ...series.map((s) => String(s.values[i] || 0))])));
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), chart, legend, data);
}

/** Horizontal bars: rows = [{label, value, cls}]. */
export function hbarChart(title, rows) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 22;
  const height = Math.max(rowH, rows.length * rowH) + 8;
  const labelW = 220;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title, class: 'chart' },
    svg('title', {}, title));
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const w = ((W - labelW - 60) * r.value) / max;
    chart.append(
      svg('text', { x: labelW - 8, y: y + 15, class: 'axis', 'text-anchor': 'end' }, r.label),
      svg('rect', { x: labelW, y: y + 3, width: Math.max(1, w), height: rowH - 6, class: `bar ${r.cls || 'c1'}` },
        svg('title', {}, `${r.label}: ${r.value}`)),
      svg('text', { x: labelW + w + 6, y: y + 15, class: 'axis' }, String(r.value)));
  });
  const data = h('details', {}, h('summary', {}, 'Show the data'),
    table(title, ['', 'tokens'], rows.map((r) => [r.label, String(r.value)])));
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), chart, data);
}
