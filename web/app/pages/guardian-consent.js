// Where a guardian's consent e-mail leads (`/guardian-consent?account=…&token=…`): the
// guardian confirms with one button (consent is an act, and a mail scanner that opens
// links must not give it), then sees the outcome; every refusal (not valid, expired,
// confirmed already) is shown as the API words it.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { ErrorMessage, Notice, useAction } from '../components/status.js';

export function GuardianConsentPage({ query }) {
  const accountId = query.get('account') || '';
  const token = query.get('token') || '';
  const [confirmed, setConfirmed] = useState(null);
  const { busy, error, run } = useAction();
  const complete = accountId !== '' && token !== '';
  const confirm = (event) => {
    event.preventDefault();
    run(async () => {
      const answer = await api('POST', '/guardian-consents', {
        body: { account_id: accountId, token },
      });
      setConfirmed(answer);
    });
  };
  if (confirmed) {
    return html`
      <h1>${t('guardianConsent.title')}</h1>
      <${Notice}>${t('guardianConsent.done', { at: formatDateTime(confirmed.confirmed_at) })}</${Notice}>`;
  }
  return html`
    <h1>${t('guardianConsent.title')}</h1>
    <p>${t('guardianConsent.text')}</p>
    ${!complete && html`<div class="error" role="alert"><p>${t('guardianConsent.incomplete')}</p></div>`}
    <form onSubmit=${confirm}>
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy || !complete}>${t('guardianConsent.confirm')}</button>
    </form>`;
}
