// Moderators: messages with open complaints, most complained first, each with what was
// reported and the decision (hide, restore, remove, dismiss) with its reason.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { href } from '../router.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from '../components/status.js';
import { Field, Select } from '../components/fields.js';
import { MessageBody } from '../components/message.js';

const ACTIONS = ['hide', 'remove', 'restore', 'dismiss'];

export function ModerationPage() {
  const queue = useLoad(() => api('GET', '/moderation/queue'), []);
  const [decided, setDecided] = useState([]);
  return html`
    <h1>${t('moderation.title')}</h1>
    <${ErrorMessage} error=${queue.error} />
    ${queue.loading && html`<${Loading} />`}
    ${decided.map((d) => html`<${Notice} key=${d.message_id}>${t('moderation.decided', { status: t(`message.status.${d.status}`), count: d.settled_complaints })}</${Notice}>`)}
    ${queue.data && queue.data.items.length === 0 && html`<p>${t('moderation.empty')}</p>`}
    ${queue.data && queue.data.items.map((item) => html`
      <${QueueItem} key=${item.message_id} item=${item}
        onDecided=${(decision) => { setDecided((all) => [...all, decision]); queue.reload(); }} />`)}`;
}

function QueueItem({ item, onDecided }) {
  const [action, setAction] = useState('hide');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => onDecided(await api('POST', `/moderation/messages/${item.message_id}/actions`, {
      body: { action, reason: reason.trim() },
    })));
  };
  const message = item.message;
  return html`
    <article class="queue-item" aria-labelledby=${`q-${item.message_id}`}>
      <h2 id=${`q-${item.message_id}`}>
        ${t('moderation.item', { count: item.open_complaints, author: message ? message.author.display_name : '—' })}
      </h2>
      <p class="meta">
        ${t('moderation.since', { when: formatDateTime(item.first_complaint_at) })}${' · '}<a href=${href('/threads/:threadId', { threadId: item.thread_id })}>${t('moderation.openThread')}</a>
      </p>
      ${message && html`<div class="reported"><${MessageBody} message=${message} /></div>`}
      <h3>${t('moderation.complaints')}</h3>
      <ul>
        ${item.complaints.map((c, i) => html`
          <li key=${i}>
            <strong>${t(`complaint.reason.${c.reason}`)}</strong>${c.comment ? `: ${c.comment}` : ''}
            ${' '}<span class="meta">${formatDateTime(c.created_at)}</span>
          </li>`)}
      </ul>
      <form class="inline" onSubmit=${submit}>
        <${Select} label=${t('moderation.action')} value=${action} onChange=${setAction}
          options=${ACTIONS.map((a) => ({ value: a, label: t(`moderation.action.${a}`) }))} />
        <${Field} label=${t('moderation.reason')} value=${reason} onInput=${setReason} required maxlength="500" />
        <${ErrorMessage} error=${error} />
        <button type="submit" disabled=${busy}>${t('moderation.decide')}</button>
      </form>
    </article>`;
}
