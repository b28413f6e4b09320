// One language's threads, most recently active first, a page at a time.
import { html, useState, useEffect } from '../html.js';
import { api } from '../api.js';
import { t, languageName, formatDateTime } from '../i18n.js';
import { href } from '../router.js';
import { session } from '../session.js';
import { Loading, ErrorMessage, useAction } from '../components/status.js';

export function ThreadsPage({ language }) {
  const [threads, setThreads] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const { busy, error, run } = useAction();
  const load = (from) => run(async () => {
    const page = await api('GET', '/threads', { query: { language, cursor: from } });
    setThreads((previous) => (from ? [...previous, ...page.items] : page.items));
    setCursor(page.next_cursor);
    setLoaded(true);
  });
  useEffect(() => {
    setThreads([]);
    setLoaded(false);
    load(null);
  }, [language]);

  return html`
    <h1>${t('threads.title', { language: languageName(language) })}</h1>
    ${session.me && html`
      <p><a class="button" href=${href('/new-thread', {}, { language })}>${t('threads.new')}</a></p>`}
    <${ErrorMessage} error=${error} />
    ${!loaded && busy && html`<${Loading} />`}
    ${loaded && threads.length === 0 && html`<p>${t('threads.none')}</p>`}
    <ul class="threads">
      ${threads.map((thread) => html`
        <li key=${thread.id}>
          <a href=${href('/threads/:threadId', { threadId: thread.id })}>${thread.title}</a>
          <span class="meta">${t('threads.meta', {
            author: thread.author.display_name,
            count: thread.message_count,
            when: formatDateTime(thread.last_activity_at),
          })}</span>
        </li>`)}
    </ul>
    ${cursor && html`
      <button type="button" disabled=${busy} onClick=${() => load(cursor)}>
        ${busy ? t('common.loading') : t('common.more')}
      </button>`}`;
}
