// Starts the client: UI strings, the session this browser had, then the page the
// location names (routes.js), re-rendered when the location or the session changes.
import { html, render, useEffect, useState } from './html.js';
import { loadStrings, t } from './i18n.js';
import { ROUTES } from './routes.js';
import { match, useLocation, href } from './router.js';
import { restore, session, subscribe } from './session.js';
import { Layout, visibleTo } from './components/layout.js';
import { takeProviderCallback } from './social.js';

/** Paths the server answers with this page (local/src/web.rs; deployed, the distribution). */
const LINKED_PATHS = ['/join', '/invitations/opt-out', '/guardian-consent'];

function useSessionVersion() {
  const [version, setVersion] = useState(0);
  useEffect(() => subscribe(() => setVersion((n) => n + 1)), []);
  return version;
}

function App() {
  const where = useLocation();
  useSessionVersion();
  let route = null;
  let params = {};
  for (const candidate of ROUTES) {
    const found = match(candidate.path, where.path);
    if (found) {
      route = candidate;
      params = found;
      break;
    }
  }
  // A new page: focus its heading (screen readers announce it), title the document.
  useEffect(() => {
    const heading = document.querySelector('main h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      document.title = `${heading.textContent} · ${t('app.name')}`;
    }
    window.scrollTo(0, 0);
  }, [where.path]);

  let page;
  if (!route) {
    page = html`<h1>${t('notFound.title')}</h1><p><a href="#/">${t('notFound.home')}</a></p>`;
  } else if (!visibleTo(route.needs)) {
    page = session.scope === 'privacy'
      ? html`<h1>${t('privacyRights.only')}</h1>
          <p><a href=${href('/privacy-rights')}>${t('privacyRights.title')}</a></p>`
      : route.needs === 'user' || !visibleTo('user')
      ? html`<h1>${t('login.needed')}</h1>
          <p><a href=${href('/login', {}, { next: where.path })}>${t('login.title')}</a></p>`
      : html`<h1>${t('forbidden.title')}</h1><p>${t('forbidden.text')}</p>`;
  } else {
    const Page = route.page;
    page = html`<${Page} ...${params} query=${where.query} />`;
  }
  return html`<${Layout} path=${where.path}>${page}</${Layout}>`;
}

takeProviderCallback();
// An invitation e-mail links `/join?…` and `/invitations/opt-out?…`, a guardian's consent
// e-mail `/guardian-consent?…` (paths a mail client keeps): the same page under the hash
// route.
if (LINKED_PATHS.includes(location.pathname)) {
  history.replaceState(null, '', `/#${location.pathname}${location.search}`);
}

await loadStrings();
await restore();
const root = document.getElementById('app');
root.textContent = ''; // the boot message
render(html`<${App} />`, root);
