// Where an invitation e-mail's opt-out link leads (`/invitations/opt-out?code=…`): one
// button, and that address never receives an invitation again.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { ErrorMessage, Notice, useAction } from '../components/status.js';

export function InvitationOptOutPage({ query }) {
  const code = query.get('code') || '';
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const confirm = (event) => {
    event.preventDefault();
    run(async () => {
      await api('POST', '/invitations/opt-out', { body: { code } });
      setDone(true);
    });
  };
  return html`
    <h1>${t('optOut.title')}</h1>
    ${done
      ? html`<${Notice}>${t('optOut.done')}</${Notice}>`
      : html`
        <p>${t('optOut.text')}</p>
        <form onSubmit=${confirm}>
          <${ErrorMessage} error=${error} />
          <button type="submit" disabled=${busy || !code}>${t('optOut.confirm')}</button>
        </form>`}`;
}
