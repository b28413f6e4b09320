// The privacy rights, on their own: what a privacy session (a blocked account's) may
// reach — the export, consents, privacy requests and erasure — and nothing else. The
// sections are the account page's.
import { html } from '../html.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { Notice } from '../components/status.js';
import { Consents, Export, PrivacyRequests, Erasure } from './account.js';

const SECTIONS = [
  ['export', Export],
  ['consents', Consents],
  ['privacy', PrivacyRequests],
  ['erasure', Erasure],
];

export function PrivacyRightsPage() {
  return html`
    <h1>${t('privacyRights.title')}</h1>
    ${session.scope === 'privacy' && html`<${Notice}>${t('privacyRights.restricted')}</${Notice}>`}
    ${SECTIONS.map(([id, Section]) => html`
      <section key=${id} aria-labelledby=${`h-${id}`} class="card">
        <h2 id=${`h-${id}`}>${t(`account.${id}`)}</h2>
        <${Section} />
      </section>`)}`;
}
