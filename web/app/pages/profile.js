// A person's public profile: name, photo, languages with their levels, badges, and since
// when they are a member. Public (no token); nothing private is in the answer to show.
import { html } from '../html.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { t, formatDate, languageName } from '../i18n.js';
import { Loading, ErrorMessage, useLoad } from '../components/status.js';

export function ProfilePage({ accountId }) {
  // One's own profile fresh (just changed, perhaps); others' as cached.
  const own = session.me && session.me.id === accountId;
  const profile = useLoad(() => api('GET', `/accounts/${accountId}`, { fresh: own }), [accountId]);
  if (profile.loading) return html`<h1>${t('profile.title')}</h1><${Loading} />`;
  if (profile.error) return html`<h1>${t('profile.title')}</h1><${ErrorMessage} error=${profile.error} />`;
  const p = profile.data;
  return html`
    <h1>${p.display_name}</h1>
    ${p.photo && html`<img class="photo" src=${p.photo.url} alt=${t('photo.alt', { name: p.display_name })} />`}
    <dl class="facts">
      ${p.roles.length > 0 && html`<dt>${t('profile.badges')}</dt><dd>${p.roles.map((r) => t(`role.${r}`)).join(', ')}</dd>`}
      <dt>${t('field.nativeLanguages')}</dt>
      <dd>${p.native_languages.map(languageName).join(', ') || '—'}</dd>
      <dt>${t('field.learningLanguages')}</dt>
      <dd>${p.learning_languages.map((l) => (l.level ? `${languageName(l.language)} (${l.level})` : languageName(l.language))).join(', ') || '—'}</dd>
      ${p.member_since && html`<dt>${t('account.since')}</dt><dd>${formatDate(p.member_since)}</dd>`}
    </dl>`;
}
