// The note a minor's account shows while its guardian has not confirmed consent through
// the e-mailed link (GET /v1/me: `guardian.consent_requested_at` without `confirmed_at`):
// the account reads and manages itself, but neither pays nor posts until then.
import { html } from '../html.js';
import { t, formatDateTime } from '../i18n.js';

export function guardianConsentAwaited(me) {
  const guardian = me && me.guardian;
  return Boolean(guardian && guardian.consent_requested_at && !guardian.confirmed_at);
}

export function GuardianConsentAwaited({ me }) {
  if (!guardianConsentAwaited(me)) return null;
  return html`
    <div class="notice guardian-consent-awaited" role="status">
      <p><strong>${t('guardianConsent.awaitedTitle')}</strong></p>
      <p>${t('guardianConsent.awaited', {
        email: me.guardian.email,
        at: formatDateTime(me.guardian.consent_requested_at),
      })}</p>
    </div>`;
}
