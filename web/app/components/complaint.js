// The report form, one for everything a reader may complain about (a message, a
// correction): a reason, an optional comment, and a second report of the same thing
// said plainly rather than as an error.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { ErrorMessage, Notice, useAction } from './status.js';
import { TextArea, Select } from './fields.js';

export const COMPLAINT_REASONS = ['spam', 'offensive', 'illegal', 'minors', 'copyright', 'personal_data', 'other'];

/** `path`: the complaints collection of what is reported, e.g. `/messages/01J…/complaints`. */
export function ComplaintForm({ path }) {
  const [reason, setReason] = useState('spam');
  const [comment, setComment] = useState('');
  const [outcome, setOutcome] = useState(null); // 'filed' | 'exists'
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    const body = comment.trim() ? { reason, comment: comment.trim() } : { reason };
    run(async () => {
      try {
        await api('POST', path, { body });
        setOutcome('filed');
      } catch (caught) {
        if (caught.status !== 409 || caught.code !== 'complaint_exists') throw caught;
        setOutcome('exists');
      }
    });
  };
  if (outcome) return html`<${Notice}>${t(`complaint.${outcome}`)}</${Notice}>`;
  return html`
    <form class="inline" onSubmit=${submit}>
      <${Select} label=${t('complaint.reason')} value=${reason} onChange=${setReason}
        options=${COMPLAINT_REASONS.map((r) => ({ value: r, label: t(`complaint.reason.${r}`) }))} />
      <${TextArea} label=${t('complaint.comment')} value=${comment} onInput=${setComment} maxlength="1000" />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${t('complaint.send')}</button>
    </form>`;
}
