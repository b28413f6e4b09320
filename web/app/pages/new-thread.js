// Open a thread in a language with a first message (paid: `new_thread` credits).
import { html, useState } from '../html.js';
import { api, newIdempotencyKey } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { reloadMe } from '../session.js';
import { languageOptions } from '../languages.js';
import { loadTariffs } from '../costs.js';
import { ErrorMessage, useAction, useLoad } from '../components/status.js';
import { Field, TextArea, Select } from '../components/fields.js';

export function NewThreadPage({ query }) {
  const [language, setLanguage] = useState(query.get('language') || 'en');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [key] = useState(newIdempotencyKey);
  const costs = useLoad(loadTariffs, []);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const created = await api('POST', '/threads', { body: { language, title, text }, idempotencyKey: key });
      await reloadMe();
      navigate('/threads/:threadId', { threadId: created.id });
    });
  };
  const cost = costs.data && costs.data.action_costs.new_thread;
  return html`
    <h1>${t('newThread.title')}</h1>
    <form onSubmit=${submit}>
      <${Select} label=${t('newThread.language')} value=${language} onChange=${setLanguage} options=${languageOptions()} />
      <${Field} label=${t('newThread.subject')} value=${title} onInput=${setTitle} required maxlength="200" />
      <${TextArea} label=${t('newThread.text')} value=${text} onInput=${setText} required maxlength="4000"
        hint=${t('newThread.rules')} />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>
        ${busy ? t('common.sending') : (cost ? t('newThread.submitCost', { cost }) : t('newThread.submit'))}
      </button>
    </form>`;
}
