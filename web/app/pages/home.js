// The start page: what Natives.Chat is, and the languages to browse.
import { html } from '../html.js';
import { t, languageName } from '../i18n.js';
import { LANGUAGE_TAGS } from '../languages.js';
import { href } from '../router.js';
import { session } from '../session.js';

export function HomePage() {
  const tags = [...LANGUAGE_TAGS].sort((a, b) => languageName(a).localeCompare(languageName(b)));
  return html`
    <h1>${t('home.title')}</h1>
    <p class="lead">${t('home.lead')}</p>
    ${!session.me && html`<p><a class="button" href=${href('/register')}>${t('home.join')}</a></p>`}
    <h2>${t('home.languages')}</h2>
    <ul class="languages">
      ${tags.map((tag) => html`
        <li key=${tag}><a href=${href('/languages/:language', { language: tag })} lang=${tag}>${languageName(tag)}</a></li>`)}
    </ul>`;
}
