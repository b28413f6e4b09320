// Earlier versions of something edited (a message, a correction), oldest first: one
// loader and one list; `renderItem` draws a version.
import { html, useState, useEffect } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { ErrorMessage, useAction } from './status.js';

/** `path`: the revisions collection; `version`: changes when an edit adds one; `empty`: said when there is none. */
export function RevisionList({ path, version, label, empty, renderItem }) {
  const [revisions, setRevisions] = useState(null);
  const { error, run } = useAction();
  useEffect(() => {
    run(async () => setRevisions((await api('GET', path)).items));
  }, [path, version]);
  return html`
    <section class="revisions" aria-label=${label}>
      <${ErrorMessage} error=${error} />
      ${revisions === null && !error && html`<p role="status">${t('common.loading')}</p>`}
      ${revisions && revisions.length === 0 && empty && html`<p>${empty}</p>`}
      ${revisions && revisions.length > 0 && html`
        <ol>
          ${revisions.map((r) => html`<li key=${r.revision}>${renderItem(r)}</li>`)}
        </ol>`}
    </section>`;
}
