/** A dependency-free SVG line chart for benchmark reports. */
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; points: [number, number][] }[];
  markers?: { x: number; label: string }[];
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function lineChart(spec: ChartSpec, width = 720, height = 320): string {
  const pad = { l: 56, r: 16, t: 32, b: 40 };
  const all = spec.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const x = (v: number) => pad.l + (v / xMax) * (width - pad.l - pad.r);
  const y = (v: number) => height - pad.b - (v / yMax) * (height - pad.t - pad.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${esc(spec.title)}</text>`,
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#444"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${height - pad.b}" stroke="#444"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    out.push(`<text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(v < 10 ? 1 : 0)}</text>`);
    out.push(`<line x1="${pad.l}" y1="${y(v)}" x2="${width - pad.r}" y2="${y(v)}" stroke="#eee"/>`);
    const xv = (xMax * i) / 4;
    out.push(`<text x="${x(xv)}" y="${height - pad.b + 16}" text-anchor="middle">${xv.toFixed(0)}</text>`);
  }
  out.push(`<text x="${width / 2}" y="${height - 6}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(
    `<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  for (const [mi, m] of (spec.markers ?? []).entries()) {
    if (!Number.isFinite(m.x)) continue;
    out.push(
      `<line x1="${x(m.x)}" y1="${pad.t}" x2="${x(m.x)}" y2="${height - pad.b}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
    out.push(`<text x="${x(m.x) + 4}" y="${pad.t + 12 + mi * 13}" fill="#555">${esc(m.label)}</text>`);
  }
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = s.points
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
      .join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    out.push(
      `<text x="${width - pad.r - 110}" y="${pad.t + 14 + i * 14}" fill="${color}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
