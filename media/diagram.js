// Mail Flow Lens route diagram. Runs inside the webview under a strict CSP (nonce'd script, no
// inline handlers). It never builds HTML: it moves the keyboard focus between the hop nodes the
// extension drew, reads their data-hop index and posts small messages back; the extension
// validates each one. Arrow keys move between hops, Enter or Space selects the hop's header lines.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const INT = /^[0-9]{1,6}$/;
  const nodes = Array.prototype.slice.call(document.querySelectorAll('g[data-hop]'));

  function indexOf(el) {
    const v = el && el.getAttribute('data-hop');
    return v !== null && v !== undefined && INT.test(v) ? Number(v) : undefined;
  }

  function select(el) {
    const index = indexOf(el);
    if (index === undefined) return;
    vscode.postMessage({ type: 'hop', index: index });
    mark(index);
  }

  function mark(index) {
    for (const n of nodes) {
      if (indexOf(n) === index) n.classList.add('selected');
      else n.classList.remove('selected');
      n.setAttribute('aria-pressed', indexOf(n) === index ? 'true' : 'false');
    }
  }

  document.addEventListener('click', function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const hop = target.closest('g[data-hop]');
    if (hop) {
      event.preventDefault();
      hop.focus();
      select(hop);
      return;
    }
    const button = target.closest('button[data-action="export"]');
    if (button) {
      event.preventDefault();
      vscode.postMessage({ type: 'export' });
    }
  });

  document.addEventListener('keydown', function (event) {
    const current = document.activeElement && document.activeElement.closest ? document.activeElement.closest('g[data-hop]') : null;
    if (!current) return;
    const at = nodes.indexOf(current);
    let next;
    switch (event.key) {
      case 'Enter':
      case ' ':
        event.preventDefault();
        select(current);
        return;
      case 'ArrowDown':
      case 'ArrowRight':
        next = nodes[Math.min(nodes.length - 1, at + 1)];
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = nodes[Math.max(0, at - 1)];
        break;
      case 'Home':
        next = nodes[0];
        break;
      case 'End':
        next = nodes[nodes.length - 1];
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next) next.focus();
  });

  const status = document.getElementById('status');
  let statusTimer;
  window.addEventListener('message', function (event) {
    const data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    if (data.type === 'selected' && typeof data.index === 'number') mark(data.index);
    if (data.type === 'status' && typeof data.text === 'string' && status) {
      status.textContent = data.text.slice(0, 200);
      clearTimeout(statusTimer);
      statusTimer = setTimeout(function () {
        status.textContent = '';
      }, 4000);
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
