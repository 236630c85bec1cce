/**
 * Draws a dashboard body's layout as SVG: each widget a box at its place on CloudWatch's 24-column grid, with
 * its title and what it shows: the labels of a graph's metrics (with the alarm thresholds drawn on it), the
 * alarms of an alarm status widget, the text of a text widget. A picture of the layout, not of data: the same
 * body always gives the same bytes.
 */
import type { DashboardBody, DashboardWidget } from './body';

/** Pixels per grid column and per grid row. */
const COLUMN = 48;
const ROW = 26;
/** Space around the grid and between boxes. */
const MARGIN = 12;
const GAP = 4;
const TITLE_SIZE = 13;
const LABEL_SIZE = 11;
const LINE = 15;
/** Roughly how wide a character of the label font is, to fit labels into columns. */
const CHAR_WIDTH = 6.2;
/** The narrowest column of labels. */
const MIN_COLUMN = 110;
/** CloudWatch's default graph colours, in order. */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Renders the body's layout; `title` heads the picture. */
export function renderDashboardSvg(body: DashboardBody, title: string): string {
  const rows = Math.max(0, ...body.widgets.map((w) => w.y + w.height));
  const width = 24 * COLUMN + 2 * MARGIN;
  const top = MARGIN + 28;
  const height = top + rows * ROW + MARGIN;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#f2f3f3"/>`,
    text(MARGIN, MARGIN + 16, title, { size: 16, weight: 'bold', fill: '#16191f' }),
    ...body.widgets.map((widget) => renderWidget(widget, top)),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

function renderWidget(widget: DashboardWidget, top: number): string {
  const box = {
    x: MARGIN + widget.x * COLUMN + GAP / 2,
    y: top + widget.y * ROW + GAP / 2,
    width: widget.width * COLUMN - GAP,
    height: widget.height * ROW - GAP,
  };
  const props = widget.properties ?? {};
  if (widget.type === 'text') {
    const lines = markdownLines(props.markdown ?? '');
    if (widget.height <= 1) {
      // A section header.
      return group([
        `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="#d5dbdb" rx="3"/>`,
        text(box.x + 8, box.y + box.height / 2 + 5, lines.join(' '), { size: TITLE_SIZE, weight: 'bold' }),
      ]);
    }
    const [first = '', ...rest] = lines;
    const wrapped = rest.flatMap((line) => wrap(line, Math.floor((box.width - 20) / (CHAR_WIDTH + 0.6))));
    return group([
      frame(box),
      text(box.x + 10, box.y + 20, first, { size: 15, weight: 'bold' }),
      ...wrapped.map((line, i) => text(box.x + 10, box.y + 38 + i * 16, line, { size: 12 })),
    ]);
  }
  const heading = text(box.x + 10, box.y + 19, props.title ?? '', { size: TITLE_SIZE, weight: 'bold' });
  if (widget.type === 'alarm') {
    const alarms = (props.alarms ?? []).map((name) => ({
      label: name,
      color: '#7d8998',
      marker: 'bell' as const,
    }));
    return group([frame(box), heading, ...labelGrid(box, alarms)]);
  }
  const labels = metricLabels(props.metrics ?? []).map((label, i) => ({
    label,
    color: PALETTE[i % PALETTE.length] ?? '#000',
    marker: 'line' as const,
  }));
  const thresholds = (props.annotations?.horizontal ?? []).map((a) => ({
    label: a.label ?? `threshold ${a.value ?? ''}`,
    color: '#d13212',
    marker: 'dash' as const,
  }));
  return group([frame(box), heading, ...labelGrid(box, [...labels, ...thresholds])]);
}

interface Entry {
  readonly label: string;
  readonly color: string;
  readonly marker: 'line' | 'dash' | 'bell';
}

/** The entries in as many columns as fit the box, the last one saying how many did not fit. */
function labelGrid(
  box: { x: number; y: number; width: number; height: number },
  entries: readonly Entry[],
): string[] {
  if (entries.length === 0) return [];
  const rows = Math.max(1, Math.floor((box.height - 30) / LINE));
  const longest = Math.max(...entries.map((e) => e.label.length));
  const usable = box.width - 20;
  // As many columns as the entries need, each as wide as the longest label, narrower (labels clipped) to fit.
  const wanted = Math.ceil(entries.length / rows);
  const columns = Math.max(1, Math.min(wanted, Math.floor(usable / MIN_COLUMN)));
  const columnWidth = Math.min(usable / columns, Math.max(MIN_COLUMN, longest * CHAR_WIDTH + 26));
  const capacity = rows * columns;
  const shown = entries.length > capacity ? entries.slice(0, capacity - 1) : entries;
  const out = shown.map((entry, i) => {
    const x = box.x + 10 + Math.floor(i / rows) * columnWidth;
    const y = box.y + 38 + (i % rows) * LINE;
    const maxChars = Math.floor((columnWidth - 26) / CHAR_WIDTH);
    return [marker(x, y - 4, entry), text(x + 20, y, clip(entry.label, maxChars), { size: LABEL_SIZE })].join(
      '',
    );
  });
  if (shown.length < entries.length) {
    const i = shown.length;
    const x = box.x + 10 + Math.floor(i / rows) * columnWidth;
    const y = box.y + 38 + (i % rows) * LINE;
    out.push(
      text(x + 20, y, `+${entries.length - shown.length} more`, { size: LABEL_SIZE, fill: '#545b64' }),
    );
  }
  return out;
}

function marker(x: number, y: number, entry: Entry): string {
  if (entry.marker === 'bell')
    return `<circle cx="${x + 7}" cy="${y}" r="4" fill="none" stroke="${entry.color}" stroke-width="2"/>`;
  const dash = entry.marker === 'dash' ? ' stroke-dasharray="3 2"' : '';
  return `<line x1="${x}" y1="${y}" x2="${x + 14}" y2="${y}" stroke="${entry.color}" stroke-width="2.5"${dash}/>`;
}

/**
 * The label of each visible metric row: its `label`, else its metric name. A row is
 * `[namespace, name, ...dimensions, options?]`, `[".", ...]`-style shorthand, or `[{ expression, label }]`.
 */
export function metricLabels(metrics: readonly (readonly unknown[])[]): string[] {
  return metrics.flatMap((row) => {
    const last = row[row.length - 1];
    const options = (typeof last === 'object' && last !== null ? last : {}) as {
      label?: string;
      visible?: boolean;
      expression?: string;
    };
    if (options.visible === false) return [];
    const label = options.label?.replace(/\s*\(avg: \$\{AVG\}(, max: \$\{MAX\})?\)/, '').trim();
    if (label) return [label];
    if (options.expression) return [options.expression];
    return typeof row[1] === 'string' ? [row[1]] : [];
  });
}

/** Markdown as plain lines: no heading marks, emphasis or link targets. */
function markdownLines(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) =>
      line
        .replace(/^#+\s*/, '')
        .replace(/\*\*|__/g, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .trim(),
    )
    .filter((line) => line !== '');
}

function frame(box: { x: number; y: number; width: number; height: number }): string {
  return `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="#ffffff" stroke="#aab7b8" rx="3"/>`;
}

function group(children: readonly string[]): string {
  return `<g>${children.join('')}</g>`;
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; weight?: 'bold'; fill?: string },
): string {
  const weight = style.weight ? ` font-weight="${style.weight}"` : '';
  return `<text x="${round(x)}" y="${round(y)}" font-size="${style.size}"${weight} fill="${style.fill ?? '#16191f'}">${escape(content)}</text>`;
}

/** A line cut at spaces into lines of at most `width` characters. */
function wrap(line: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(current);
  return lines;
}

function clip(label: string, maxChars: number): string {
  return label.length <= maxChars ? label : `${label.slice(0, Math.max(1, maxChars - 1))}…`;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function escape(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
