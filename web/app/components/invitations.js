// The account page's "Invite a friend" section: send an invitation by e-mail, and the
// list of mine (a friend who joined shows by display name, never by address).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { href } from '../router.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from './status.js';
import { Field } from './fields.js';

export function Invitations() {
  const list = useLoad(() => api('GET', '/me/invitations'), []);
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(null);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const invitation = await api('POST', '/me/invitations', { body: { email: email.trim() } });
      setSent(invitation.email);
      setEmail('');
      list.reload();
    });
  };
  return html`
    <p class="hint">${t('invitations.hint')}</p>
    <form onSubmit=${submit}>
      <${Field} label=${t('invitations.email')} type="email" value=${email}
        onInput=${(value) => { setSent(null); setEmail(value); }} required maxlength="254" />
      <${ErrorMessage} error=${error} />
      ${sent && html`<${Notice}>${t('invitations.sent', { email: sent })}</${Notice}>`}
      <button type="submit" disabled=${busy}>${t('invitations.send')}</button>
    </form>
    <${ErrorMessage} error=${list.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data && list.data.items.length === 0 && html`<p>${t('invitations.none')}</p>`}
    ${list.data && list.data.items.length > 0 && html`
      <ul class="plain" aria-label=${t('invitations.list')}>${list.data.items.map((i) => html`
        <li key=${i.id}>
          ${i.status === 'joined'
            ? html`<a href=${href('/accounts/:accountId', { accountId: i.friend.id })}>${i.friend.display_name}</a>
                ${' '}${t('invitations.joined')}`
            : html`${i.email} ${t('invitations.waiting')}`}
          ${' '}<span class="meta">${formatDateTime(i.created_at)}</span>
        </li>`)}</ul>`}`;
}
