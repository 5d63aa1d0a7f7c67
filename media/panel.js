// Mail Flow Lens explanation panel. Runs inside the webview under a strict CSP (nonce'd script,
// no inline handlers). It never builds HTML: it only reads whitelisted data-* attributes from the
// buttons the extension rendered and posts small messages back; the extension validates each one.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const ACTIONS = { reveal: true, copy: true, generate: true, open: true, finding: true, hop: true, summary: true, popout: true };
  const INT = /^[0-9]{1,9}$/;
  const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

  function intOf(el, name) {
    const v = el.getAttribute(name);
    return v !== null && INT.test(v) ? Number(v) : undefined;
  }

  function messageFor(el) {
    const action = el.getAttribute('data-action');
    if (!action || !Object.prototype.hasOwnProperty.call(ACTIONS, action)) return undefined;
    switch (action) {
      case 'reveal': {
        const line = intOf(el, 'data-line');
        const endLine = intOf(el, 'data-end');
        return line === undefined ? undefined : { type: 'reveal', line: line, endLine: endLine === undefined ? line : endLine };
      }
      case 'copy':
      case 'generate': {
        const id = el.getAttribute('data-remedy');
        return id && ID.test(id) ? { type: action, remedyId: id } : undefined;
      }
      case 'open':
      case 'finding':
      case 'hop': {
        const index = intOf(el, 'data-index');
        return index === undefined ? undefined : { type: action, index: index };
      }
      case 'summary':
        return { type: 'summary' };
      case 'popout':
        return { type: 'popout' };
      default:
        return undefined;
    }
  }

  document.addEventListener('click', function (event) {
    const target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!target) return;
    const msg = messageFor(target);
    if (msg) {
      event.preventDefault();
      vscode.postMessage(msg);
    }
  });

  // a short confirmation ("Copied…") under the page; it goes away by itself and never covers the text
  const status = document.getElementById('status');
  let statusTimer;
  window.addEventListener('message', function (event) {
    const data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    if (data.type === 'status' && typeof data.text === 'string' && status) {
      // textContent: never parsed as HTML
      status.textContent = data.text.slice(0, 200);
      clearTimeout(statusTimer);
      statusTimer = setTimeout(function () {
        status.textContent = '';
      }, 4000);
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
