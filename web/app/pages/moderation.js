// Moderators: messages, corrections and thread titles with open complaints, most complained first, each
// with what was reported and the decision (hide, restore, remove, dismiss) with its reason.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { href } from '../router.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from '../components/status.js';
import { Field, Select } from '../components/fields.js';
import { MessageBody } from '../components/message.js';
import { Diff } from '../components/correction.js';

const ACTIONS = ['hide', 'remove', 'restore', 'dismiss'];

// A queue entry is about a message, one of its corrections or a thread's title (`kind`);
// each has its own route.
const entryKey = (item) => ({
  correction: `${item.message_id}-${item.correction_id}`,
  thread: `thread-${item.thread_id}`,
}[item.kind] || item.message_id);
const actionsPath = (item) => ({
  correction: `/moderation/messages/${item.message_id}/corrections/${item.correction_id}/actions`,
  thread: `/moderation/threads/${item.thread_id}/actions`,
}[item.kind] || `/moderation/messages/${item.message_id}/actions`);
// The strings of each kind: its heading, its actions, its decision.
const KIND_STRINGS = {
  message: { item: 'moderation.item', action: 'action', decided: 'moderation.decided' },
  correction: { item: 'moderation.itemCorrection', action: 'correctionAction', decided: 'moderation.decidedCorrection' },
  thread: { item: 'moderation.itemThread', action: 'threadAction', decided: 'moderation.decidedThread' },
};
const stringsOf = (kind) => KIND_STRINGS[kind] || KIND_STRINGS.message;

export function ModerationPage() {
  const queue = useLoad(() => api('GET', '/moderation/queue'), []);
  const [decided, setDecided] = useState([]);
  return html`
    <h1>${t('moderation.title')}</h1>
    <${ErrorMessage} error=${queue.error} />
    ${queue.loading && html`<${Loading} />`}
    ${decided.map((d) => html`<${Notice} key=${entryKey(d)}>${t(stringsOf(d.kind).decided, { status: t(`message.status.${d.status}`), count: d.settled_complaints })}</${Notice}>`)}
    ${queue.data && queue.data.items.length === 0 && html`<p>${t('moderation.empty')}</p>`}
    ${queue.data && queue.data.items.map((item) => html`
      <${QueueItem} key=${entryKey(item)} item=${item}
        onDecided=${(decision) => { setDecided((all) => [...all, decision]); queue.reload(); }} />`)}`;
}

function QueueItem({ item, onDecided }) {
  const [action, setAction] = useState('hide');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => onDecided(await api('POST', actionsPath(item), {
      body: { action, reason: reason.trim() },
    })));
  };
  const { message, correction } = item;
  const isCorrection = item.kind === 'correction';
  const isThread = item.kind === 'thread';
  const strings = stringsOf(item.kind);
  const reported = isCorrection ? correction : message;
  const authorName = isThread ? (item.author ? item.author.display_name : '—')
    : (reported ? reported.author.display_name : '—');
  const headingId = `q-${entryKey(item)}`;
  return html`
    <article class=${`queue-item ${item.kind}`} aria-labelledby=${headingId}>
      <h2 id=${headingId}>
        ${t(strings.item, { count: item.open_complaints, author: authorName })}
      </h2>
      <p class="meta">
        ${t('moderation.since', { when: formatDateTime(item.first_complaint_at) })}${' · '}<a href=${href('/threads/:threadId', { threadId: item.thread_id })}>${t('moderation.openThread')}</a>
      </p>
      ${isThread && item.thread && html`<div class="reported"><p class="thread-title">${item.thread.title}</p></div>`}
      ${!isCorrection && !isThread && message && html`<div class="reported"><${MessageBody} message=${message} /></div>`}
      ${isCorrection && correction && html`
        <div class="reported">
          <${Diff} diff=${correction.diff} />
          ${correction.note && html`<p class="note">${correction.note}</p>`}
        </div>`}
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
          options=${ACTIONS.map((a) => ({ value: a, label: t(`moderation.${strings.action}.${a}`) }))} />
        <${Field} label=${t('moderation.reason')} value=${reason} onInput=${setReason} required maxlength="500" />
        <${ErrorMessage} error=${error} />
        <button type="submit" disabled=${busy}>${t('moderation.decide')}</button>
      </form>
    </article>`;
}
