// One correction of a message: its diff and note, and what the reader may do with it
// (its author edits it and reads its earlier versions; another signed-in reader reports it).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { session } from '../session.js';
import { ErrorMessage, useAction } from './status.js';
import { TextArea } from './fields.js';
import { ComplaintForm } from './complaint.js';
import { RevisionList } from './revisions.js';

// A correction's diff: deleted words struck through, inserted ones marked.
export function Diff({ diff }) {
  return html`<p class="text diff">${diff.map((span, i) => span.op === 'equal'
    ? span.text
    : span.op === 'delete'
      ? html`<del key=${i}>${span.text}</del>`
      : html`<ins key=${i}>${span.text}</ins>`)}</p>`;
}

export function correctionPath(correction) {
  return `/messages/${correction.message_id}/corrections/${correction.id}`;
}

export function CorrectionItem({ correction, onChanged }) {
  const [mode, setMode] = useState(null); // 'edit' | 'revisions' | 'complain'
  const mine = session.me && session.me.id === correction.author.id;
  const toggle = (next) => setMode(mode === next ? null : next);
  return html`
    <li class=${`correction ${correction.status ? 'muted' : ''}`}>
      <${Diff} diff=${correction.diff} />
      ${correction.note && html`<p class="note">${correction.note}</p>`}
      <span class="meta">${t('correction.meta', {
        author: correction.author.display_name, at: formatDateTime(correction.created_at),
      })}</span>
      ${correction.edited_at && html` <span class="edited">${t('message.edited')}</span>`}
      ${correction.status && html` <span class="badge">${t(`message.status.${correction.status}`)}</span>`}
      <div class="actions">
        ${mine && html`
          <button type="button" class="link" aria-expanded=${mode === 'edit'} onClick=${() => toggle('edit')}>
            ${t('correction.edit')}
          </button>
          <button type="button" class="link" aria-expanded=${mode === 'revisions'} onClick=${() => toggle('revisions')}>
            ${t('correction.revisions')}
          </button>`}
        ${session.me && !mine && html`
          <button type="button" class="link" aria-expanded=${mode === 'complain'} onClick=${() => toggle('complain')}>
            ${t('correction.complain')}
          </button>`}
      </div>
      ${mode === 'edit' && html`
        <${CorrectionEditForm} correction=${correction}
          onDone=${(updated) => { setMode(null); onChanged(updated); }} />`}
      ${mode === 'revisions' && html`<${CorrectionRevisions} correction=${correction} />`}
      ${mode === 'complain' && html`<${ComplaintForm} path=${`${correctionPath(correction)}/complaints`} />`}
    </li>`;
}

// The diff stays against the message's text it corrected: only the text and the note change.
function CorrectionEditForm({ correction, onDone }) {
  const [text, setText] = useState(correction.corrected_text);
  const [note, setNote] = useState(correction.note || '');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    const body = { corrected_text: text, note: note.trim() ? note.trim() : null };
    run(async () => onDone(await api('PATCH', correctionPath(correction), { body })));
  };
  return html`
    <form class="inline" onSubmit=${submit}>
      <${TextArea} label=${t('correction.text')} value=${text} onInput=${setText} required maxlength="4000" />
      <${TextArea} label=${t('correction.note')} value=${note} onInput=${setNote} maxlength="1000" />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('common.saving') : t('common.save')}</button>
    </form>`;
}

function CorrectionRevisions({ correction }) {
  return html`<${RevisionList} path=${`${correctionPath(correction)}/revisions`} version=${correction.edited_at}
    label=${t('correction.revisions')} empty=${t('correction.noRevisions')} renderItem=${(r) => html`
      <p class="text">${r.corrected_text}</p>
      ${r.note && html`<p class="note">${r.note}</p>`}
      <span class="meta">${t('message.revisionMeta', {
        from: formatDateTime(r.written_at), until: formatDateTime(r.replaced_at),
      })}</span>`} />`;
}
