// "Continue with Google" and the like: one button per provider this deployment offers
// (`GET /v1/auth/providers`), nothing when it offers none.
import { html } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { startProviderSignIn } from '../social.js';
import { ErrorMessage, useAction, useLoad } from './status.js';

/**
 * `purpose`: 'login' (sign in or register) or 'link' (to the signed-in account);
 * `except`: provider ids not to offer (those already linked); `next`: the route after.
 */
export function ProviderButtons({ purpose, except = [], next = '/' }) {
  const providers = useLoad(() => api('GET', '/auth/providers'), []);
  const { busy, error, run } = useAction();
  if (providers.error) return html`<${ErrorMessage} error=${providers.error} />`;
  if (!providers.data) return null;
  const offered = providers.data.items.filter((p) => !except.includes(p.id));
  if (!offered.length) return null;
  const label = purpose === 'link' ? 'social.link' : 'social.continue';
  return html`
    <div class="providers">
      ${offered.map((p) => html`
        <button key=${p.id} type="button" class="secondary" disabled=${busy}
          onClick=${() => run(() => startProviderSignIn(p, purpose, next))}>
          ${t(label, { provider: p.name })}
        </button>`)}
      <${ErrorMessage} error=${error} />
    </div>`;
}
