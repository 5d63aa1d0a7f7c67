/**
 * The route diagram's page, as pure functions: the HTML around the SVG that src/core/present/
 * diagram.ts draws from `analysis.facts`, and validation of the messages the page posts back. No
 * 'vscode' import, so rendering and validation are unit-tested with hostile header text.
 *
 * The page is inert like the explanation panel: strict CSP (nothing by default, styles and images
 * from the extension's media folder only, one script with a nonce), no links, no inline styles or
 * handlers; header text only ever reaches it escaped (the SVG generator escapes its own text).
 */
import type { Analysis } from '../../core/types';
import { renderRouteDiagram, type DiagramNode } from '../../core/present/diagram';
import { evidenceText, relayName, routeLanes, TRUST_MEANING, unplacedRelays, VERDICT_MEANING, verdictLabel } from '../../core/present/route';
import { buildCsp, escapeHtml, isValidNonce } from './html';

export interface DiagramAssets {
  cspSource: string;
  nonce: string;
  /** webview URIs of media/diagram.css and media/diagram.js. */
  styleUri: string;
  scriptUri: string;
}

export interface RenderedDiagram {
  html: string;
  /** The page without the nonce (to skip reloads that change nothing). */
  body: string;
  nodes: DiagramNode[];
}

function t(value: unknown): string {
  return escapeHtml(value).split('=').join('&#61;');
}

/** The whole page: heading with the verdict, Export button, the diagram, the relays' evidence. */
export function renderDiagramHtml(a: Analysis | undefined, assets: DiagramAssets): RenderedDiagram {
  if (!isValidNonce(assets.nonce)) throw new Error('invalid nonce');
  let body: string;
  let nodes: DiagramNode[] = [];
  if (!a) {
    body = '<main id="content"><h1>Route diagram</h1><p>Open a saved message (.eml) to see its route as a picture.</p></main>';
  } else {
    const d = renderRouteDiagram(a, { interactive: true, embedStyle: false, idPrefix: 'route', heading: false });
    nodes = d.nodes;
    const v = a.facts.verdict;
    const relays: string[] = [];
    for (const lane of routeLanes(a)) {
      for (const r of lane.relays) relays.push(relayItem(r));
    }
    for (const r of unplacedRelays(a)) relays.push(relayItem(r));
    const claimed = a.facts.segments.some((s) => s.trust === 'claimed');
    body =
      '<header class="bar">' +
      `<h1>${t(a.summary.subject ? `Route of “${a.summary.subject}”` : 'Route of the message')}</h1>` +
      `<p class="verdict verdict-${v.class}" role="status"><strong>${t(verdictLabel(v))}.</strong> ${t(v.summary)}</p>` +
      '<div class="actions">' +
      '<button type="button" class="btn" data-action="export" title="Save the diagram as an SVG file, for a ticket">Export SVG…</button>' +
      '<span class="hint" id="hint">Click a hop, or move with the arrow keys and press Enter, to select its header lines.</span>' +
      '</div></header>' +
      `<main id="diagram" class="diagram" aria-describedby="hint">${d.svg}</main>` +
      '<section class="legend" aria-label="About the picture">' +
      (relays.length ? `<h2>Relays of the recipient</h2><ul>${relays.join('')}</ul>` : '') +
      `<p>${t(VERDICT_MEANING[v.class])}</p>` +
      (claimed ? `<p>${t(`Dashed lanes: ${TRUST_MEANING.claimed}`)}</p>` : '') +
      '</section>';
  }
  const csp = buildCsp({ cspSource: assets.cspSource, nonce: assets.nonce });
  const html =
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n' +
    `<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}">\n` +
    '<title>Mail Flow Lens: route diagram</title>\n</head>\n<body>\n' +
    body +
    '\n<div id="status" class="status" role="status" aria-live="polite"></div>\n' +
    `<script nonce="${escapeHtml(assets.nonce)}" src="${escapeHtml(assets.scriptUri)}"></script>\n` +
    '</body>\n</html>\n';
  return { html, body, nodes };
}

function relayItem(r: Analysis['facts']['relays'][number]): string {
  const ev = r.evidence.map((e) => `<li><span class="badge badge-${e.strength}">${t(e.strength)}</span> ${t(evidenceText(e))}</li>`).join('');
  return `<li><strong>${t(relayName(r))}</strong> (${t(r.strength)} evidence)<ul>${ev}</ul></li>`;
}

export type DiagramMessage = { type: 'hop'; index: number } | { type: 'export' } | { type: 'ready' };

/** A message from the page, or undefined unless it is exactly one of the known shapes. */
export function validateDiagramMessage(raw: unknown, hopCount: number): DiagramMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m);
  switch (m.type) {
    case 'hop':
      if (keys.length !== 2 || !keys.includes('index')) return undefined;
      return typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0 && m.index < hopCount ? { type: 'hop', index: m.index } : undefined;
    case 'export':
    case 'ready':
      return keys.length === 1 ? { type: m.type } : undefined;
    default:
      return undefined;
  }
}
