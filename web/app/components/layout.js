// The frame of every page: a skip link, the site name, the menu (from routes.js NAV, by
// who is signed in), the balance, and the page in <main>.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { NAV } from '../routes.js';
import { href } from '../router.js';
import { session, hasRole, logout } from '../session.js';

export function visibleTo(needs) {
  if (!needs) return true;
  if (needs === 'visitor') return !session.me;
  // A privacy session opens only the privacy rights page.
  if (needs === 'subject') return Boolean(session.me);
  if (needs === 'privacy') return Boolean(session.me) && session.scope === 'privacy';
  if (session.scope === 'privacy') return false;
  if (needs === 'user') return Boolean(session.me);
  return hasRole(needs);
}

export function Layout({ path, children }) {
  const signOut = async () => {
    location.hash = '#/';
    await logout();
  };
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>
      ${t('nav.skip')}
    </a>
    <header class="top">
      <a class="brand" href="#/">${t('app.name')}</a>
      <nav aria-label=${t('nav.label')}>
        <ul>
          ${NAV.filter((item) => visibleTo(item.needs)).map((item) => html`
            <li key=${item.path}>
              <a href=${href(item.path)} aria-current=${path === item.path ? 'page' : undefined}>${t(item.label)}</a>
            </li>`)}
          ${session.me && html`
            <li class="who">
              <span>${t('nav.signedInAs', { name: session.me.display_name })}</span>
              ${session.scope !== 'privacy' && html`
                <a href=${href('/credits')} class="balance">${t('nav.balance', { credits: session.me.balance_credits })}</a>`}
            </li>
            <li><button type="button" class="link" onClick=${signOut}>${t('nav.logout')}</button></li>`}
        </ul>
      </nav>
    </header>
    <main id="main" tabindex="-1">${children}</main>
    <footer class="bottom"><p>${t('app.footer')}</p></footer>`;
}
