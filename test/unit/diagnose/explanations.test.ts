import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../../src/core/diagnose/rules';
import { EXPLANATIONS, explanationFor } from '../../../src/core/diagnose/explanations';

const ALLOWED_DOC_HOSTS = new Set(['learn.microsoft.com', 'support.google.com', 'www.rfc-editor.org']);

describe('explanations', () => {
  test('every rule has a stable, unique kebab-case id and an explanation', () => {
    const ids = rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
    for (const id of ids) {
      assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      const e = explanationFor(id);
      assert.ok(e, `no explanation for ${id}`);
      assert.equal(e.id, id);
    }
    assert.ok(explanationFor('internal-error'), 'the diagnose pipeline emits internal-error');
  });

  test('the required rules are all registered', () => {
    const ids = new Set(rules.map((r) => r.id));
    for (const id of [
      'spf-evaluated-on-relay',
      'dkim-body-modified',
      'dkim-header-modified',
      'dmarc-fail-after-relay',
      'dmarc-fail',
      'intra-org-spoof',
      'delivered-to-junk',
      'compauth-fail',
      'efc-not-enabled',
      'efc-active',
      'efc-recipient-not-in-scope',
      'efc-private-hop',
      'efc-unsupported-routing',
      'scl-bypass-rule',
      'ip-allow-list-bypass',
      'arc-trusted-sealer-candidate',
      'gmail-inbound-gateway-missing',
      'direct-to-tenant',
      'relay-device-spf',
      'forged-auth-results',
      'clock-skew',
      'slow-hop',
      'unparsed-header',
    ]) {
      assert.ok(ids.has(id), `rule ${id} missing`);
    }
  });

  test('every explanation is complete and links only to primary sources over https', () => {
    for (const e of Object.values(EXPLANATIONS)) {
      for (const k of ['title', 'whatHappened', 'whyItMatters', 'howToFix', 'howToVerify'] as const) {
        assert.ok(e[k].trim().length >= 10, `${e.id}.${k} is empty`);
        assert.ok(!/\bTODO\b/.test(e[k]), `${e.id}.${k} has a TODO`);
      }
      for (const d of e.docs) {
        const u = new URL(d.url);
        assert.equal(u.protocol, 'https:', d.url);
        assert.ok(ALLOWED_DOC_HOSTS.has(u.hostname), `${e.id}: unexpected doc host ${u.hostname}`);
        assert.ok(d.title.length > 5);
      }
    }
  });

  test('the Enhanced Filtering explanations point at the Enhanced Filtering article and seed 002', () => {
    for (const id of ['efc-not-enabled', 'efc-recipient-not-in-scope', 'efc-private-hop', 'efc-unsupported-routing', 'scl-bypass-rule']) {
      const e = explanationFor(id)!;
      assert.ok(e.docs.some((d) => d.url.includes('enhanced-filtering-for-connectors')), id);
      assert.ok(e.seeds.some((s) => s.startsWith('seed 002')), id);
    }
    assert.ok(explanationFor('direct-to-tenant')!.seeds.some((s) => s.startsWith('seed 003')));
    assert.ok(explanationFor('relay-device-spf')!.seeds.some((s) => s.startsWith('seed 004')));
    assert.ok(explanationFor('gmail-inbound-gateway-missing')!.docs.some((d) => d.url === 'https://support.google.com/a/answer/60730'));
  });

  test('unknown ids and prototype keys have no explanation', () => {
    assert.equal(explanationFor('no-such-rule'), undefined);
    assert.equal(explanationFor('__proto__'), undefined);
    assert.equal(explanationFor('constructor'), undefined);
  });
});
