import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../../src/core/diagnose/rules';
import { EXPLANATIONS, explanationFor } from '../../../src/core/diagnose/explanations';

// primary documents: Microsoft Learn, Microsoft's Exchange Team blog and message center, Google
// Workspace Admin Help, RFCs (background articles go to seeds)
const ALLOWED_DOC_HOSTS = new Set(['learn.microsoft.com', 'techcommunity.microsoft.com', 'admin.microsoft.com', 'support.google.com', 'www.rfc-editor.org']);

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

  test('explanations cite the public documents by exact title and link', () => {
    const EFC = 'Enhanced Filtering for Connectors in Exchange Online (Microsoft Learn)';
    for (const id of ['efc-not-enabled', 'efc-recipient-not-in-scope', 'efc-private-hop', 'efc-unsupported-routing', 'scl-bypass-rule']) {
      const e = explanationFor(id)!;
      assert.ok(
        e.docs.some((d) => d.title === EFC && d.url === 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors'),
        id,
      );
    }
    const BULLPHISH = 'https://help.bullphishid.kaseya.com/help/Content/12_Safelisting_guides/Resolving_SMTP_relay_issues.htm';
    assert.ok(explanationFor('efc-not-enabled')!.seeds.includes(`Enabling a connector to resolve SMTP relay service email issues in Microsoft Exchange (BullPhish ID help (Kaseya), 2025-02-18): ${BULLPHISH}`));
    assert.ok(explanationFor('spf-evaluated-on-relay')!.seeds.includes(`Resolving SMTP relay service email issues in Microsoft Exchange and Google Workspace (BullPhish ID help (Kaseya), 2025-07-14): ${BULLPHISH}`));
    assert.ok(
      explanationFor('direct-to-tenant')!.seeds.some((s) => s.startsWith('Configure Exchange Online to accept SMTP connection only from specific mail security gateway (o365info)')),
    );
    assert.ok(
      explanationFor('relay-device-spf')!.docs.some(
        (d) =>
          d.title === 'How to set up a multifunction device or application to send email using Microsoft 365 or Office 365 (Microsoft Learn)' &&
          d.url === 'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
      ),
    );
    assert.ok(explanationFor('gmail-inbound-gateway-missing')!.docs.some((d) => d.url === 'https://support.google.com/a/answer/60730'));
    // no internal names: background is cited by title, never as "seed 00N"
    for (const e of Object.values(EXPLANATIONS)) for (const s of e.seeds) assert.doesNotMatch(s, /^seed \d/, e.id);
  });

  test('the wording experts asked for: 5.7.51 per recipient, bestguesspass is not a pass, documented automatic skipping only', () => {
    assert.match(explanationFor('direct-to-tenant')!.howToVerify, /each recipient is refused \(550 5\.7\.51 TenantInboundAttribution/);
    assert.doesNotMatch(explanationFor('direct-to-tenant')!.howToVerify, /session is rejected/);
    assert.match(explanationFor('compauth-fail')!.whatHappened, /dmarc=bestguesspass is not a pass: it means the domain publishes no DMARC record/);
    assert.match(explanationFor('dmarc-fail')!.whyItMatters, /action=oreject \(override reject\) means a p=reject message was marked as spam instead of rejected/);
    const priv = explanationFor('efc-private-hop')!.whyItMatters;
    assert.match(priv, /loopback \(127\.0\.0\.0\/8\) and RFC 1918 private addresses by itself/);
    assert.match(priv, /Microsoft documents no automatic skipping for link-local, unique-local or carrier-grade NAT addresses/);
  });

  test('unknown ids and prototype keys have no explanation', () => {
    assert.equal(explanationFor('no-such-rule'), undefined);
    assert.equal(explanationFor('__proto__'), undefined);
    assert.equal(explanationFor('constructor'), undefined);
  });
});
