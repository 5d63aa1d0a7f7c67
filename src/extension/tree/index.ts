/**
 * The Route view: the active message's verdict and summary, then the organisations it passed
 * (the facts' segments: sender, intermediaries, the recipient's gateway, the recipient) with the
 * hops each one wrote, oldest first (`from host [IP] → by host`, the state first: "⚠ broke here"),
 * the relays of the recipient with their evidence, and the findings. Selecting a node selects its
 * header lines in the editor; moving the cursor reveals the node for the line under it.
 *
 * Everything about who is who comes from `analysis.facts` (src/core/present/route.ts words it);
 * nothing here re-derives the receiver, the relays, the break hop or the verdict.
 *
 * Header text is attacker-controlled: labels and descriptions are plain text (the tree renders
 * them as text), tooltips are untrusted MarkdownStrings with every value added through appendText;
 * all of them pass through displayText (src/core/present/text.ts), which drops control and bidi
 * characters, so a "‮gnp.exe" Subject cannot reorder what the tree shows.
 *
 * This file only gathers what the rest of the extension imports. The view and its editor link are
 * in ./view.ts, the TreeDataProvider in ./provider.ts, the model in ./model.ts (the summary in
 * ./summary.ts, hop details, stamps, findings and problems in ./nodes.ts), the node type in
 * ./node.ts, icons in ./icons.ts and wording with the tooltip builder in ./labels.ts.
 */
export type { NodeKind, RouteNode } from './node';
export { hopIconId, outcomeIcon, outcomeOf, segmentIconId, severityIcon, verdictIcon, type Outcome } from './icons';
export { findingTitle } from './labels';
export type { DnsInfo } from './summary';
export { RouteTreeProvider } from './provider';
export { ROUTE_VIEW_ID, RouteView, selectionOf } from './view';
