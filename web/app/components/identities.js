// The account page's sign-ins: the provider identities linked to the account, each with
// an unlink button (refused while it is the last way to sign in), and a button per
// provider not yet linked, which goes to the provider and back to confirm with the
// password (pages/provider-callback.js).
import { html } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { ProviderButtons } from './providers.js';
import { Loading, ErrorMessage, useAction, useLoad } from './status.js';

export function Identities() {
  const identities = useLoad(() => api('GET', '/me/identities'), []);
  const providers = useLoad(() => api('GET', '/auth/providers'), []);
  const nameOf = (id) => ((providers.data && providers.data.items.find((p) => p.id === id)) || { name: id }).name;
  const { busy, error, run } = useAction();
  if (identities.loading && !identities.data) return html`<${Loading} />`;
  if (identities.error) return html`<${ErrorMessage} error=${identities.error} />`;
  const items = identities.data.items;
  const unlink = (provider) => run(async () => {
    await api('DELETE', `/me/identities/${encodeURIComponent(provider)}`);
    identities.reload();
  });
  return html`
    ${items.length === 0 && html`<p>${t('identities.none')}</p>`}
    <ul class="identities">
      ${items.map((identity) => html`
        <li key=${identity.provider}>
          <span>${t('identities.item', {
            provider: nameOf(identity.provider), email: identity.email || '—', linked: formatDateTime(identity.linked_at),
          })}</span>
          <button type="button" class="secondary" disabled=${busy} onClick=${() => unlink(identity.provider)}>
            ${t('identities.unlink', { provider: nameOf(identity.provider) })}
          </button>
        </li>`)}
    </ul>
    <${ErrorMessage} error=${error} />
    <${ProviderButtons} purpose="link" next="/account" except=${items.map((i) => i.provider)} />`;
}
