// A thread: its messages, oldest first, each playable and (for its author) editable; a
// signed-in reader replies in text or records a voice message. While the page is open,
// replies, edits and hides arrive live.
import { html, useState, useEffect, useRef } from '../html.js';
import { api, newIdempotencyKey } from '../api.js';
import { t, languageName } from '../i18n.js';
import { href } from '../router.js';
import { session, reloadMe } from '../session.js';
import { loadTariffs } from '../costs.js';
import { Loading, ErrorMessage, useLoad, useAction } from '../components/status.js';
import { TextArea } from '../components/fields.js';
import { MessageItem } from '../components/message.js';
import { ComplaintForm } from '../components/complaint.js';
import { VoiceRecorder } from '../components/recorder.js';
import { watchThread } from '../live.js';

/** What a live frame does to the messages shown (`complete`: the last page is loaded). */
function applyFrame(messages, frame, complete) {
  switch (frame.type) {
    case 'message_posted':
      if (messages.some((m) => m.id === frame.message.id)) {
        return messages.map((m) => (m.id === frame.message.id ? frame.message : m));
      }
      // Newer than what is loaded: it shows when the reader loads the rest.
      return complete ? [...messages, frame.message] : messages;
    case 'message_edited':
      return messages.map((m) => (m.id === frame.message.id ? frame.message : m));
    case 'message_hidden':
      return messages.map((m) => (m.id === frame.message_id
        ? { ...m, status: 'hidden', text: undefined, voice: undefined }
        : m));
    default:
      return messages;
  }
}

export function ThreadPage({ threadId }) {
  const thread = useLoad(() => api('GET', `/threads/${threadId}`), [threadId]);
  const [messages, setMessages] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const { busy, error, run } = useAction();
  const load = (from) => run(async () => {
    const page = await api('GET', `/threads/${threadId}/messages`, { query: { cursor: from } });
    setMessages((previous) => (from ? [...previous, ...page.items] : page.items));
    setCursor(page.next_cursor);
    setLoaded(true);
  });
  useEffect(() => {
    setMessages([]);
    setLoaded(false);
    load(null);
  }, [threadId]);
  const [live, setLive] = useState(false);
  const complete = useRef(false);
  complete.current = loaded && !cursor;
  useEffect(() => {
    setLive(false);
    return watchThread(threadId, (frame) => {
      if (frame.type === 'subscribed') setLive(true);
      // Moderation hid, removed or restored the thread: read it again (gone for readers,
      // with its notice for its author and moderators).
      else if (frame.type === 'thread_hidden' || frame.type === 'thread_restored') {
        setMessages([]);
        thread.reload();
        load(null);
      } else setMessages((all) => applyFrame(all, frame, complete.current));
    });
  }, [threadId]);

  const replaced = (updated) => setMessages((all) => all.map((m) => (m.id === updated.id ? updated : m)));
  const added = async (message) => {
    setMessages((all) => [...all, message]);
    await reloadMe();
  };

  const data = thread.data;
  return html`
    <h1>${data ? data.title : t('thread.loading')}</h1>
    ${data && html`
      <p class="meta">
        <a href=${href('/languages/:language', { language: data.language })}>${languageName(data.language)}</a>
        ${' · '}${t('thread.started', { author: data.author.display_name })}
        ${live && html`${' · '}<span class="live" data-live="on">${t('thread.live')}</span>`}
      </p>`}
    ${data && data.status && html`<p class="notice">${t('thread.notPublic', { status: t(`message.status.${data.status}`) })}${data.moderation ? ` ${data.moderation.reason}` : ''}</p>`}
    ${data && session.me && session.me.id !== data.author.id && html`<${ReportThread} threadId=${threadId} />`}
    <${ErrorMessage} error=${thread.error || error} />
    ${!loaded && busy && html`<${Loading} />`}
    <section aria-label=${t('thread.messages')} class="messages">
      ${messages.map((message) => html`<${MessageItem} key=${message.id} message=${message} onChanged=${replaced} />`)}
    </section>
    ${cursor && html`
      <button type="button" disabled=${busy} onClick=${() => load(cursor)}>${t('common.more')}</button>`}
    ${data && (session.me
      ? !data.status
        ? html`<${Reply} threadId=${threadId} onPosted=${added} />`
        : null
      : html`<p class="notice"><a href=${href('/login', {}, { next: `/threads/${threadId}` })}>${t('thread.loginToReply')}</a></p>`)}`;
}

// A reader reports the thread's title (a message is reported on the message itself).
function ReportThread({ threadId }) {
  const [open, setOpen] = useState(false);
  return html`
    <div class="actions">
      <button type="button" class="link" aria-expanded=${open} onClick=${() => setOpen(!open)}>${t('thread.complain')}</button>
    </div>
    ${open && html`<${ComplaintForm} path=${`/threads/${threadId}/complaints`} />`}`;
}

function Reply({ threadId, onPosted }) {
  const [text, setText] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const costs = useLoad(loadTariffs, []);
  const { busy, error, run } = useAction();
  const post = (body) => run(async () => {
    const message = await api('POST', `/threads/${threadId}/messages`, { body, idempotencyKey: key });
    setKey(newIdempotencyKey());
    await onPosted(message);
    return message;
  });
  const submit = async (event) => {
    event.preventDefault();
    if (await post({ text })) setText('');
  };
  const prices = costs.data && costs.data.action_costs;
  return html`
    <section class="reply" aria-labelledby="reply-heading">
      <h2 id="reply-heading">${t('thread.reply')}</h2>
      <form onSubmit=${submit}>
        <${TextArea} label=${t('thread.replyLabel')} value=${text} onInput=${setText} required maxlength="4000"
          hint=${prices ? t('thread.textCost', { cost: prices.text_message }) : ''} />
        <${ErrorMessage} error=${error} />
        <button type="submit" disabled=${busy}>${busy ? t('common.sending') : t('thread.send')}</button>
      </form>
      <h3>${t('thread.speak')}</h3>
      <${VoiceRecorder} cost=${prices ? prices.voice_message : ''}
        onSend=${async (uploadId) => {
          const message = await api('POST', `/threads/${threadId}/messages`, {
            body: { voice_upload_id: uploadId }, idempotencyKey: key,
          });
          setKey(newIdempotencyKey());
          await onPosted(message);
        }} />
    </section>`;
}
