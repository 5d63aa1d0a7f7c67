/** The Route view's TreeDataProvider: the active message's model (cached per analysis), its tree items, and the lookups by hop and by line. */
import * as vscode from 'vscode';
import type { Analysis } from '../../core/types';
import type { Store } from '../store';
import { t } from './labels';
import { buildModel } from './model';
import type { Model, RouteNode } from './node';

export class RouteTreeProvider implements vscode.TreeDataProvider<RouteNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RouteNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly models = new WeakMap<Analysis, Model>();
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(private readonly store: Store) {
    this.disposables.push(
      store.onDidChangeActive(() => this.changeEmitter.fire(undefined)),
      store.onDidChange((uri) => {
        if (store.active?.uri.toString() === uri.toString() || !store.active) this.changeEmitter.fire(undefined);
      }),
    );
  }

  /** The model of the active message (cached per Analysis object). */
  model(): Model | undefined {
    const active = this.store.active;
    if (!active) return undefined;
    const phase = this.store.phase(active.uri);
    const key = active.analysis;
    let m = this.models.get(key);
    if (!m) {
      m = buildModel(active.uri, active.analysis, phase, { mode: this.store.dnsMode(active.uri), source: this.store.dnsSource(active.uri) });
      this.models.set(key, m);
    }
    return m;
  }

  /** The organisation segment nodes of the active message, oldest first. */
  segmentNodes(): RouteNode[] {
    return this.model()?.segments ?? [];
  }

  /** The node of a hop of the active message. */
  hopNode(index: number): RouteNode | undefined {
    return this.model()?.hops.find((n) => n.hop?.index === index);
  }

  getChildren(element?: RouteNode): RouteNode[] {
    if (!element) return this.model()?.roots ?? [];
    return element.children;
  }

  getParent(element: RouteNode): RouteNode | undefined {
    return element.parent;
  }

  getTreeItem(n: RouteNode): vscode.TreeItem {
    const state = n.children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : n.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    // labels and descriptions are built from header text in many places: one last pass here
    const item = new vscode.TreeItem(t(n.label, 300), state);
    item.id = n.id;
    item.description = n.description === undefined ? undefined : t(n.description, 300);
    item.tooltip = n.tooltip;
    item.iconPath = n.icon;
    item.contextValue = n.contextValue ?? `mailflowLens.${n.kind}`;
    item.accessibilityInformation = { label: t([n.label, n.description].filter(Boolean).join(', '), 600) };
    return item;
  }

  /** The hop nodes of the active message, oldest first. */
  hopNodes(): RouteNode[] {
    return [...(this.model()?.hops ?? [])].sort((x, y) => (x.hop?.index ?? 0) - (y.hop?.index ?? 0));
  }

  /** The most specific node covering a line of the active message. */
  nodeAtLine(line: number): RouteNode | undefined {
    return this.model()?.byLine.find((n) => n.lines && n.lines.startLine <= line && line <= n.lines.endLine);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
