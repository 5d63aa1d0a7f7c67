import type { Rule } from '../rule';
import { spfEvaluatedOnRelay } from './spf-evaluated-on-relay';
import { dkimBodyModified } from './dkim-body-modified';
import { dkimHeaderModified } from './dkim-header-modified';
import { dmarcFailAfterRelay } from './dmarc-fail-after-relay';
import { dmarcFail } from './dmarc-fail';
import { compauthFail } from './compauth-fail';
import { efcNotEnabled } from './efc-not-enabled';
import { efcActive } from './efc-active';
import { efcRecipientNotInScope } from './efc-recipient-not-in-scope';
import { efcPrivateHop } from './efc-private-hop';
import { efcUnsupportedRouting } from './efc-unsupported-routing';
import { sclBypassRule } from './scl-bypass-rule';
import { ipAllowListBypass } from './ip-allow-list-bypass';
import { arcTrustedSealerCandidate } from './arc-trusted-sealer-candidate';
import { gmailInboundGatewayMissing } from './gmail-inbound-gateway-missing';
import { directToTenant } from './direct-to-tenant';
import { relayDeviceSpf } from './relay-device-spf';
import { intraOrgSpoof } from './intra-org-spoof';
import { deliveredToJunk } from './delivered-to-junk';
import { forgedAuthResults } from './forged-auth-results';
import { clockSkew } from './clock-skew';
import { slowHop } from './slow-hop';
import { unparsedHeader } from './unparsed-header';
import { safeSenderOverride } from './safe-sender-override';
import { domainMisalignment } from './domain-misalignment';
import { dkimSignatureUnusable } from './dkim-signature-unusable';

/** Every rule, in the order they run. One file per rule; ids are stable. */
export const rules: Rule[] = [
  spfEvaluatedOnRelay,
  dkimBodyModified,
  dkimHeaderModified,
  dkimSignatureUnusable,
  dmarcFailAfterRelay,
  dmarcFail,
  compauthFail,
  efcNotEnabled,
  efcActive,
  efcRecipientNotInScope,
  efcPrivateHop,
  efcUnsupportedRouting,
  sclBypassRule,
  ipAllowListBypass,
  arcTrustedSealerCandidate,
  gmailInboundGatewayMissing,
  directToTenant,
  relayDeviceSpf,
  intraOrgSpoof,
  deliveredToJunk,
  safeSenderOverride,
  domainMisalignment,
  forgedAuthResults,
  clockSkew,
  slowHop,
  unparsedHeader,
];
