// A forgotten password: ask for a code by e-mail, then set a new password with it.
// Every session of the account ends; the person logs in again.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { ErrorMessage, Notice, useAction } from '../components/status.js';
import { Field } from '../components/fields.js';

export function PasswordResetPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const asking = useAction();
  const confirming = useAction();
  const ask = (event) => {
    event.preventDefault();
    asking.run(async () => {
      await api('POST', '/password-resets', { body: { email: email.trim() } });
      setSent(true);
    });
  };
  const confirm = (event) => {
    event.preventDefault();
    confirming.run(async () => {
      await api('POST', '/password-resets/confirm', {
        body: { email: email.trim(), code: code.trim(), new_password: password },
      });
      setDone(true);
    });
  };
  if (done) {
    return html`
      <h1>${t('reset.title')}</h1>
      <${Notice}>${t('reset.done')}</${Notice}>
      <p><a href=${href('/login')}>${t('nav.login')}</a></p>`;
  }
  return html`
    <h1>${t('reset.title')}</h1>
    <form onSubmit=${ask} class="narrow">
      <${Field} label=${t('field.email')} type="email" autocomplete="username" value=${email} onInput=${setEmail} required />
      <${ErrorMessage} error=${asking.error} />
      <button type="submit" class=${sent ? 'secondary' : ''} disabled=${asking.busy}>${sent ? t('code.again') : t('reset.send')}</button>
    </form>
    ${sent && html`
      <${Notice}>${t('reset.sent')}</${Notice}>
      <form onSubmit=${confirm} class="narrow">
        <${Field} label=${t('field.code')} inputmode="numeric" autocomplete="one-time-code" value=${code} onInput=${setCode}
          required maxlength="32" />
        <${Field} label=${t('field.newPassword')} hint=${t('register.passwordHint')} type="password" autocomplete="new-password"
          value=${password} onInput=${setPassword} required minlength="10" maxlength="128" />
        <${ErrorMessage} error=${confirming.error} />
        <button type="submit" disabled=${confirming.busy}>${t('reset.submit')}</button>
      </form>`}`;
}
