// One message of a thread: who wrote it and when, its text or its recording, and what
// the reader may do with it (edit one's own text, see earlier versions, complain).
import { html, useState, useEffect } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime } from '../i18n.js';
import { session, hasRole } from '../session.js';
import { ErrorMessage, useAction } from './status.js';
import { TextArea, Field, Select } from './fields.js';
import { ComplaintForm } from './complaint.js';
import { CorrectionItem } from './correction.js';
import { RevisionList } from './revisions.js';

export { COMPLAINT_REASONS } from './complaint.js';

export function MessageBody({ message }) {
  if (message.kind === 'voice' && message.voice) {
    const seconds = message.voice.duration_seconds;
    return html`
      <audio controls preload="none" src=${message.voice.url}
        aria-label=${t('message.voiceOf', { author: message.author.display_name })}></audio>
      ${seconds != null && html`<span class="meta">${t('message.duration', { seconds: Math.round(seconds) })}</span>`}`;
  }
  if (message.kind === 'voice') return html`<p class="meta">${t('message.recordingDestroyed')}</p>`;
  return html`<p class="text">${message.text}</p>`;
}

export function MessageItem({ message, onChanged }) {
  const [mode, setMode] = useState(null); // 'edit' | 'revisions' | 'corrections' | 'complain' | 'destroy'
  const mine = session.me && session.me.id === message.author.id;
  const toggle = (next) => setMode(mode === next ? null : next);
  return html`
    <article class=${`message ${message.status !== 'visible' ? 'muted' : ''}`} aria-labelledby=${`m-${message.id}`}>
      <header>
        <strong id=${`m-${message.id}`}><a href=${`#/accounts/${message.author.id}`}>${message.author.display_name}</a></strong>
        <time datetime=${message.created_at}>${formatDateTime(message.created_at)}</time>
        ${message.edited_at && html`<span class="edited">${t('message.edited')}</span>`}
        ${message.status !== 'visible' && html`<span class="badge">${t(`message.status.${message.status}`)}</span>`}
      </header>
      <${MessageBody} message=${message} />
      <div class="actions">
        ${mine && message.kind === 'text' && html`
          <button type="button" class="link" aria-expanded=${mode === 'edit'} onClick=${() => toggle('edit')}>
            ${t('message.edit')}
          </button>`}
        ${message.edited_at && html`
          <button type="button" class="link" aria-expanded=${mode === 'revisions'} onClick=${() => toggle('revisions')}>
            ${t('message.revisions')}
          </button>`}
        ${(message.corrections_count > 0 || (session.me && !mine && message.kind === 'text')) && html`
          <button type="button" class="link" aria-expanded=${mode === 'corrections'} onClick=${() => toggle('corrections')}>
            ${t('message.corrections', { count: message.corrections_count || 0 })}
          </button>`}
        ${session.me && !mine && html`
          <button type="button" class="link" aria-expanded=${mode === 'complain'} onClick=${() => toggle('complain')}>
            ${t('message.complain')}
          </button>`}
        ${hasRole('admin') && message.status === 'removed' && message.voice && html`
          <button type="button" class="link" aria-expanded=${mode === 'destroy'} onClick=${() => toggle('destroy')}>
            ${t('message.destroyRecording')}
          </button>`}
      </div>
      ${mode === 'edit' && html`
        <${EditForm} message=${message} onDone=${(updated) => { setMode(null); onChanged(updated); }} />`}
      ${mode === 'revisions' && html`<${Revisions} message=${message} />`}
      ${mode === 'corrections' && html`
        <${Corrections} message=${message} canCorrect=${Boolean(session.me && !mine && message.kind === 'text')} />`}
      ${mode === 'complain' && html`<${ComplaintForm} path=${`/messages/${message.id}/complaints`} />`}
      ${mode === 'destroy' && html`
        <${DestroyRecordingForm} message=${message}
          onDone=${() => { setMode(null); onChanged({ ...message, voice: undefined }); }} />`}
    </article>`;
}

// Admins: the break-glass path for a removed voice message's recording, with the legal
// basis and a reason (both in the audit log).
const LEGAL_BASES = ['illegal', 'minors', 'personal_data', 'court_order'];

function DestroyRecordingForm({ message, onDone }) {
  const [legalBasis, setLegalBasis] = useState('court_order');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => onDone(await api('POST', `/admin/messages/${message.id}/recording-destruction`, {
      body: { legal_basis: legalBasis, reason: reason.trim() },
    })));
  };
  return html`
    <form class="inline" onSubmit=${submit}>
      <${Select} label=${t('message.destroy.legalBasis')} value=${legalBasis} onChange=${setLegalBasis}
        options=${LEGAL_BASES.map((b) => ({ value: b, label: t(`message.destroy.basis.${b}`) }))} />
      <${Field} label=${t('message.destroy.reason')} value=${reason} onInput=${setReason} required maxlength="500" />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${t('message.destroy.submit')}</button>
    </form>`;
}

function EditForm({ message, onDone }) {
  const [text, setText] = useState(message.text);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => onDone(await api('PATCH', `/messages/${message.id}`, { body: { text } })));
  };
  return html`
    <form class="inline" onSubmit=${submit}>
      <${TextArea} label=${t('message.editLabel')} value=${text} onInput=${setText} required maxlength="4000" />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('common.saving') : t('common.save')}</button>
    </form>`;
}

function Revisions({ message }) {
  return html`<${RevisionList} path=${`/messages/${message.id}/revisions`} version=${message.revision}
    label=${t('message.revisions')} renderItem=${(r) => html`
      <p class="text">${r.text}</p>
      <span class="meta">${t('message.revisionMeta', {
        revision: r.revision, from: formatDateTime(r.created_at), until: formatDateTime(r.replaced_at),
      })}</span>`} />`;
}

function Corrections({ message, canCorrect }) {
  const [corrections, setCorrections] = useState(null);
  const [text, setText] = useState(message.text || '');
  const [note, setNote] = useState('');
  const { error, run } = useAction();
  const sending = useAction();
  const load = () => run(async () => setCorrections((await api('GET', `/messages/${message.id}/corrections`)).items));
  useEffect(() => { load(); }, [message.id]);
  const submit = (event) => {
    event.preventDefault();
    const body = { revision: message.revision, corrected_text: text };
    if (note.trim()) body.note = note.trim();
    sending.run(async () => {
      const made = await api('POST', `/messages/${message.id}/corrections`, { body });
      setCorrections([...(corrections || []), made]);
      setNote('');
    });
  };
  return html`
    <section class="corrections" aria-label=${t('correction.title')}>
      <${ErrorMessage} error=${error} />
      ${corrections === null && !error && html`<p role="status">${t('common.loading')}</p>`}
      ${corrections && html`
        <ol>
          ${corrections.map((c) => html`
            <${CorrectionItem} key=${c.id} correction=${c}
              onChanged=${(updated) => setCorrections((all) => all.map((x) => (x.id === updated.id ? updated : x)))} />`)}
        </ol>`}
      ${canCorrect && html`
        <form class="inline" onSubmit=${submit}>
          <${TextArea} label=${t('correction.text')} value=${text} onInput=${setText} required maxlength="4000" />
          <${TextArea} label=${t('correction.note')} value=${note} onInput=${setNote} maxlength="1000" />
          <${ErrorMessage} error=${sending.error} />
          <button type="submit" disabled=${sending.busy}>${t('correction.send')}</button>
        </form>`}
    </section>`;
}
