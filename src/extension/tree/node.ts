/** The Route view's node: what each tree item stands for (its lines, hop, stamp, finding, segment or relay), and the model built per analysis. */
import type * as vscode from 'vscode';
import type { Analysis, AuthStamp, Finding, Hop, LineRange, RelayFact, Segment } from '../../core/types';

export type NodeKind =
  | 'summary'
  | 'info'
  | 'segment'
  | 'relay'
  | 'relay-evidence'
  | 'hop'
  | 'detail'
  | 'stamp'
  | 'result'
  | 'findings'
  | 'finding'
  | 'evidence'
  | 'problems'
  | 'problem';

export interface RouteNode {
  kind: NodeKind;
  /** Unique in the tree and stable across re-analysis (keeps the expanded state). */
  id: string;
  uri: vscode.Uri;
  parent?: RouteNode;
  children: RouteNode[];
  label: string;
  description?: string;
  tooltip?: vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  /** Header lines this node stands for (selected in the editor when the node is selected). */
  lines?: LineRange;
  expanded?: boolean;
  contextValue?: string;
  hop?: Hop;
  stamp?: AuthStamp;
  finding?: Finding;
  segment?: Segment;
  relay?: RelayFact;
  /** Set on the hop where authentication broke. */
  broke?: boolean;
}

export interface Model {
  analysis: Analysis;
  roots: RouteNode[];
  hops: RouteNode[];
  segments: RouteNode[];
  /** Nodes with lines, most specific first (stamps before hops before summary lines). */
  byLine: RouteNode[];
}

export type NodeFn = (n: Omit<RouteNode, 'children' | 'uri'> & { children?: RouteNode[] }) => RouteNode;
export type AddFn = (parent: RouteNode, child: RouteNode) => RouteNode;
