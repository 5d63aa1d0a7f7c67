/**
 * The route as a picture: an SVG drawn from `analysis.facts` alone. Organisations are lanes (the
 * facts' segments, oldest on the left: sender, intermediaries, the recipient's gateway, the
 * recipient), each hop is a node in the lane of the organisation that wrote it, one row per hop
 * (oldest at the top), arrows follow the message, the trust boundary (where the receiver took the
 * message) is a dashed line across all lanes, and the hop where authentication broke is marked.
 *
 * Used by the extension's route diagram (inline in a webview, styled by VS Code's theme through the
 * class names) and for "Export Route Diagram (SVG)" (a stand-alone file with its own light/dark
 * style); the CLI can write it too. Deterministic: the same analysis gives the same bytes.
 *
 * Header text is attacker-controlled. Every string from the message is flattened (control and bidi
 * characters removed, bounded) and XML-escaped into text content or a quoted attribute value; the
 * markup, element names, attribute names, class names and numbers are this file's own. No links,
 * no scripts, no event handlers, no external references (fonts, images, stylesheets).
 */
import { escapeHtml } from './escape';
import type { Analysis, Hop, LineRange } from '../types';
import { flatten } from './text';
import { breakHop, efcShort, fromHost, hopByText, hopLine, routeLanes, shortHost, TRUST_LABEL, verdictLabel, type RouteLane } from './route';

export interface DiagramOptions {
  /** Add keyboard focus, roles and labels to the hop nodes (for the webview); default false. */
  interactive?: boolean;
  /** Include the stand-alone <style> (light and dark); default true. Off inside a webview, whose CSS styles the classes. */
  embedStyle?: boolean;
  /** Prefix for element ids (letters, digits, '-'); default "mfl". */
  idPrefix?: string;
  /** Heading above the lanes; default: the message's subject. */
  title?: string;
  /** Draw the heading (subject and verdict) inside the picture; default true. A page that shows them itself turns it off. */
  heading?: boolean;
}

export interface DiagramNode {
  hop: number;
  lines: LineRange;
  lane: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** What the node says, in one line (its accessible name). */
  label: string;
}

export interface Diagram {
  svg: string;
  width: number;
  height: number;
  nodes: DiagramNode[];
}

// ---------------------------------------------------------------------------------------------
// Escaping

/** Text for SVG/XML text content or a double-quoted attribute value (flattened to one line, at most `max` characters). */
export function escapeXml(text: unknown, max = 400): string {
  return escapeHtml(flatten(typeof text === 'string' ? text : typeof text === 'number' && Number.isFinite(text) ? String(text) : '', max), { equals: true });
}

const num = (n: number): string => String(Math.round(n * 10) / 10);

// ---------------------------------------------------------------------------------------------
// Geometry

const M = 16; // outer margin
const LANE_W = 280;
const NODE_W = LANE_W - 22;
const HEAD_H = 64;
const ROW_H = 74;
const NODE_H = 62;
const TITLE_H = 58;
const LINE_H = 14;
/** Extra room above the entry hop for the trust boundary and its label. */
const BOUNDARY_GAP = 26;
/** Width of one character of the 11 px monospace text (IP addresses), generous. */
const MONO_W = 6.8;

/**
 * Estimated width in px of a line of sans-serif text, from per-character widths a little above
 * those of the widest common UI fonts (DejaVu Sans on Linux, Segoe UI): host names such as
 * "SA1PR04MB8514.namprd04.prod.outlook.com" are mostly capitals and digits, which an average
 * glyph width underestimates, and the text would run out of its box.
 */
export function textWidth(s: string, size = 12, bold = false): number {
  let em = 0;
  for (const ch of s) {
    if (ch >= 'A' && ch <= 'Z') em += ch === 'M' || ch === 'W' ? 1.0 : ch === 'I' || ch === 'J' ? 0.4 : 0.75;
    else if (ch >= 'a' && ch <= 'z') em += 'fijlrt'.includes(ch) ? 0.42 : ch === 'm' || ch === 'w' ? 0.98 : 0.65;
    else if (ch >= '0' && ch <= '9') em += 0.65;
    else if (' .,:;|!()[]\'"/'.includes(ch)) em += 0.37;
    else if (ch === '-' || ch === '_') em += 0.5;
    else em += 1.0; // symbols, arrows, the ellipsis, other scripts
  }
  return em * size * (bold ? 1.1 : 1);
}

/** The text, cut with "…" so that it is at most `px` wide. */
function fit(value: string, px: number, size = 12, bold = false): string {
  const s = flatten(value, 400);
  if (textWidth(s, size, bold) <= px) return s;
  const chars = [...s];
  while (chars.length > 3 && textWidth(`${chars.join('')}…`, size, bold) > px) chars.pop();
  return `${chars.join('')}…`;
}

/** Monospace text (IP addresses) cut with "…" to at most `px`. */
function fitMono(value: string, px: number): string {
  const s = flatten(value, 400);
  const max = Math.max(4, Math.floor(px / MONO_W));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** `prefix` and a host name shortened in the middle (its start and its domain stay) to fit `px`. */
function hostLine(prefix: string, host: string, px: number): string {
  for (let max = flatten(host, 300).length; max >= 8; max--) {
    const line = `${prefix}${shortHost(host, max)}`;
    if (textWidth(line) <= px) return line;
  }
  return fit(`${prefix}${host}`, px);
}

/** Words wrapped to lines of at most `px`, at most `maxLines` (the last one cut with "…"). */
function wrap(value: string, px: number, maxLines: number): string[] {
  const words = flatten(value, 2000).split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (textWidth(next) <= px) cur = next;
    else {
      if (cur) lines.push(cur);
      cur = textWidth(w) > px ? fit(w, px) : w;
    }
  }
  if (cur) lines.push(cur);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = fit(`${kept[maxLines - 1]} …`, px);
    return kept;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Style of the stand-alone file (inside VS Code the theme's colours style the same classes)

const STYLE = `
.mfl{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px}
.mfl .bg{fill:#ffffff}
.mfl text{fill:#1f2328}
.mfl .muted{fill:#59636e}
.mfl .title{font-size:15px;font-weight:600}
.mfl .lane{fill:#f6f8fa;stroke:#d1d9e0}
.mfl .lane.trust-claimed{fill:#fbfbfb;stroke-dasharray:4 3}
.mfl .lane-name{font-weight:600;font-size:13px}
.mfl .node rect{fill:#ffffff;stroke:#8c959f;stroke-width:1}
.mfl .node.entry rect{stroke:#0969da;stroke-width:2}
.mfl .node.broke rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2.5}
.mfl .node.broke .state{fill:#cf222e;font-weight:600}
.mfl .node .hopno{font-weight:600}
.mfl .mono{font-family:ui-monospace,"SF Mono",Menlo,Consolas,monospace;font-size:11px}
.mfl .edge{fill:none;stroke:#59636e;stroke-width:1.5}
.mfl .arrowhead{fill:#59636e}
.mfl .boundary{stroke:#0969da;stroke-width:1.5;stroke-dasharray:6 4}
.mfl .boundary-label{fill:#0969da;font-weight:600}
.mfl .verdict-broken-in-transit,.mfl .verdict-never-authentic{fill:#cf222e;font-weight:600}
.mfl .verdict-authentic{fill:#1a7f37;font-weight:600}
.mfl .verdict-unknown{fill:#9a6700;font-weight:600}
@media (prefers-color-scheme: dark){
.mfl .bg{fill:#0d1117}
.mfl text{fill:#e6edf3}
.mfl .muted{fill:#9198a1}
.mfl .lane{fill:#151b23;stroke:#3d444d}
.mfl .lane.trust-claimed{fill:#10151c}
.mfl .node rect{fill:#0d1117;stroke:#656c76}
.mfl .node.entry rect{stroke:#4493f8}
.mfl .node.broke rect{fill:#3c1618;stroke:#f85149}
.mfl .node.broke .state{fill:#ff7b72}
.mfl .edge{stroke:#9198a1}
.mfl .arrowhead{fill:#9198a1}
.mfl .boundary{stroke:#4493f8}
.mfl .boundary-label{fill:#4493f8}
.mfl .verdict-broken-in-transit,.mfl .verdict-never-authentic{fill:#ff7b72}
.mfl .verdict-authentic{fill:#3fb950}
.mfl .verdict-unknown{fill:#d29922}
}`;

// ---------------------------------------------------------------------------------------------
// Rendering

function text(x: number, y: number, value: string, cls?: string, anchor?: 'start' | 'middle' | 'end'): string {
  return `<text x="${num(x)}" y="${num(y)}"${cls ? ` class="${cls}"` : ''}${anchor && anchor !== 'start' ? ` text-anchor="${anchor}"` : ''}>${escapeXml(value)}</text>`;
}

function delayText(h: Hop): string {
  if (h.delayMs === null || !Number.isFinite(h.delayMs)) return '';
  const ms = h.delayMs;
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '+';
  if (abs < 60_000) return `${sign}${Math.round(abs / 1000)} s`;
  if (abs < 7_200_000) return `${sign}${Math.round(abs / 60_000)} min`;
  return `${sign}${(abs / 3_600_000).toFixed(1)} h`;
}

/** The accessible name of a hop node. */
export function nodeLabel(a: Analysis, h: Hop): string {
  const states: string[] = [];
  if (breakHop(a) === h.index) states.push('authentication broke here');
  if (a.facts?.entry.hopIndex === h.index) states.push(`the receiver took the message here`);
  return flatten(`Hop ${h.index + 1} of ${a.hops.length}: ${hopLine(h)}${states.length ? `; ${states.join('; ')}` : ''}`, 400);
}

/** Renders the route diagram of an analysis. */
export function renderRouteDiagram(a: Analysis, options: DiagramOptions = {}): Diagram {
  const interactive = !!options.interactive;
  const embedStyle = options.embedStyle !== false;
  const prefix = /^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(options.idPrefix ?? '') ? options.idPrefix! : 'mfl';
  const lanes: RouteLane[] = routeLanes(a);
  // hops no segment covers (a route without facts) get a lane of their own
  const covered = new Set(lanes.flatMap((l) => l.hops.map((h) => h.index)));
  const loose = a.hops.filter((h) => !covered.has(h.index));
  const laneOfHop = new Map<number, number>();
  lanes.forEach((l, i) => l.hops.forEach((h) => laneOfHop.set(h.index, i)));
  const laneCount = lanes.length + (loose.length ? 1 : 0);
  loose.forEach((h) => laneOfHop.set(h.index, lanes.length));

  const width = M * 2 + Math.max(1, laneCount) * LANE_W;
  const heading = options.heading !== false;
  const top = M + (heading ? TITLE_H : 0);
  const rowsTop = top + HEAD_H;
  const verdict = a.facts?.verdict;
  // the verdict sentence under the picture (a page that shows it itself leaves it out)
  const summaryLines = verdict && heading ? wrap(verdict.summary, width - 2 * M, 3) : [];
  const entry = a.facts?.entry.hopIndex ?? null;
  const hasBoundary = entry !== null && !!a.hops[entry];
  const gap = hasBoundary ? BOUNDARY_GAP : 0;
  /** Top of row i (rows from the entry on sit below the boundary). */
  const rowTop = (i: number) => rowsTop + i * ROW_H + (hasBoundary && i >= entry ? gap : 0);
  const footTop = rowsTop + Math.max(1, a.hops.length) * ROW_H + gap + 8;
  const height = heading ? footTop + 14 + summaryLines.length * LINE_H + (a.facts ? LINE_H : 0) + M : footTop + M / 2;

  const parts: string[] = [];
  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  const title = options.title ?? (a.summary.subject ? `Route of “${a.summary.subject}”` : 'Route of the message');
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="mfl" width="${width}" height="${num(height)}" viewBox="0 0 ${width} ${num(height)}" role="${interactive ? 'group' : 'img'}" aria-labelledby="${titleId} ${descId}">`,
  );
  parts.push(`<title id="${titleId}">${escapeXml(title, 300)}</title>`);
  parts.push(`<desc id="${descId}">${escapeXml(verdict ? `${verdictLabel(verdict)}. ${verdict.summary}` : `${a.hops.length} hops`, 1200)}</desc>`);
  if (embedStyle) parts.push(`<style>${STYLE}</style>`);
  parts.push(
    `<defs><marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
  );
  parts.push(`<rect class="bg" x="0" y="0" width="${width}" height="${num(height)}"/>`);

  // heading: the subject and the verdict class
  if (heading) parts.push(text(M, M + 16, fit(title, width - 2 * M, 15, true), 'title'));
  if (verdict && heading) {
    const efc = a.facts ? efcShort(a.facts.efc.state) : '';
    const head = `${verdictLabel(verdict)}${efc ? ` · ${efc}` : ''} · received by ${a.facts.receiver.name ?? 'an unknown receiver'}`;
    parts.push(text(M, M + 38, fit(head, width - 2 * M, 12, true), `verdict-${verdict.class}`));
  }

  // lanes
  const laneX = (i: number) => M + i * LANE_W;
  const laneBottom = rowsTop + Math.max(1, a.hops.length) * ROW_H + gap;
  const allLanes: Array<{ name: string; role: string; trust: string; cls: string; extra: string }> = lanes.map((l) => ({
    name: l.name,
    role: l.role,
    trust: l.trust,
    cls: `lane role-${l.segment.role} trust-${l.segment.trust}`,
    extra: l.relays.length ? `relay · ${l.relays.some((r) => r.strength === 'strong') ? 'strong' : 'weak'} evidence` : l.trust,
  }));
  if (loose.length) allLanes.push({ name: 'Unassigned', role: 'not placed', trust: TRUST_LABEL.claimed, cls: 'lane role-unknown trust-claimed', extra: TRUST_LABEL.claimed });
  allLanes.forEach((l, i) => {
    const x = laneX(i);
    parts.push(`<g class="lane-group">`);
    parts.push(`<rect class="${l.cls}" x="${num(x + 4)}" y="${num(top)}" width="${LANE_W - 8}" height="${num(laneBottom - top + 4)}" rx="6"/>`);
    parts.push(text(x + 14, top + 19, fit(l.name, LANE_W - 28, 13, true), 'lane-name'));
    parts.push(text(x + 14, top + 35, fit(l.role, LANE_W - 28), 'muted'));
    parts.push(text(x + 14, top + 50, fit(l.extra, LANE_W - 28), 'muted'));
    parts.push('</g>');
  });

  // edges first (under the nodes)
  const nodeXY = (h: Hop) => ({ x: laneX(laneOfHop.get(h.index) ?? 0) + (LANE_W - NODE_W) / 2, y: rowTop(h.index) + (ROW_H - NODE_H) / 2 });
  for (let i = 1; i < a.hops.length; i++) {
    const p = nodeXY(a.hops[i - 1]);
    const q = nodeXY(a.hops[i]);
    const x1 = p.x + NODE_W / 2;
    const y1 = p.y + NODE_H;
    const x2 = q.x + NODE_W / 2;
    const y2 = q.y;
    // turn right below the source node, so the gap above the entry stays free for the boundary label
    const turn = y1 + 8;
    const d = x1 === x2 ? `M${num(x1)},${num(y1)} L${num(x2)},${num(y2 - 1)}` : `M${num(x1)},${num(y1)} L${num(x1)},${num(turn)} L${num(x2)},${num(turn)} L${num(x2)},${num(y2 - 1)}`;
    parts.push(`<path class="edge" d="${d}" marker-end="url(#${prefix}-arrow)"/>`);
  }

  // the trust boundary: above the entry hop, across every lane
  if (hasBoundary) {
    const y = rowTop(entry) + (ROW_H - NODE_H) / 2 - 6;
    parts.push(`<line class="boundary" x1="${M}" y1="${num(y)}" x2="${width - M}" y2="${num(y)}"/>`);
    const label = `▼ ${a.facts.receiver.name ?? 'The receiver'} took the message here (trust boundary)`;
    parts.push(text(M + 8, y - 5, fit(label, Math.max(LANE_W, (laneCount - 1) * LANE_W) - 24, 12, true), 'boundary-label'));
  }

  // nodes
  const broke = breakHop(a);
  const nodes: DiagramNode[] = [];
  for (const h of a.hops) {
    const { x, y } = nodeXY(h);
    const isBreak = broke === h.index;
    const isEntry = entry === h.index;
    const label = nodeLabel(a, h);
    const cls = `node${isBreak ? ' broke' : ''}${isEntry ? ' entry' : ''}`;
    const attrs = interactive ? ` tabindex="0" role="button" data-hop="${h.index}" aria-label="${escapeXml(label, 400)}"` : '';
    parts.push(`<g class="${cls}" id="${prefix}-hop-${h.index}"${attrs}>`);
    parts.push(`<title>${escapeXml(label, 400)}</title>`);
    parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${NODE_W}" height="${NODE_H}" rx="4"/>`);
    const state = isBreak ? '⚠ broke here' : isEntry ? 'entry' : '';
    parts.push(`<text x="${num(x + 8)}" y="${num(y + 14)}"><tspan class="hopno">${h.index + 1}</tspan>${state ? `<tspan class="state" dx="6">${escapeXml(state)}</tspan>` : ''}${delayText(h) ? `<tspan class="muted" dx="6">${escapeXml(delayText(h))}</tspan>` : ''}</text>`);
    const host = fromHost(h);
    const room = NODE_W - 16;
    parts.push(text(x + 8, y + 14 + LINE_H, host ? hostLine('from ', host, room) : 'from an unnamed host'));
    parts.push(text(x + 8, y + 14 + 2 * LINE_H, h.from.ip ? fitMono(`[${h.from.ip}]`, room) : 'no IP recorded', h.from.ip ? 'mono' : 'muted'));
    parts.push(text(x + 8, y + 14 + 3 * LINE_H, hostLine('→ ', hopByText(h), room)));
    parts.push('</g>');
    nodes.push({ hop: h.index, lines: { ...h.lines }, lane: laneOfHop.get(h.index) ?? 0, x, y, width: NODE_W, height: NODE_H, label });
  }
  if (!a.hops.length) parts.push(text(M + 14, rowsTop + 30, 'No Received fields: there is no route to draw.', 'muted'));

  // foot: the verdict in a sentence, and where it came from
  let fy = footTop + 12;
  for (const line of summaryLines) {
    parts.push(text(M, fy, line));
    fy += LINE_H;
  }
  if (a.facts && heading) parts.push(text(M, fy, fit(`${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}, oldest at the top. Lanes are the organisations that wrote the Received lines; dashed lanes are the sender's word.`, width - 2 * M), 'muted'));
  parts.push('</svg>');
  return { svg: parts.join(''), width, height, nodes };
}

/** The stand-alone SVG file (XML declaration, embedded light/dark style), for tickets. */
export function routeDiagramFile(a: Analysis): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderRouteDiagram(a, { embedStyle: true, interactive: false }).svg}\n`;
}
