// Log in with e-mail and password; then back where the person came from.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { login } from '../session.js';
import { ErrorMessage, useAction } from '../components/status.js';
import { Field } from '../components/fields.js';
import { ProviderButtons } from '../components/providers.js';

export function LoginPage({ query }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await login(email.trim(), password);
      location.hash = `#${query.get('next') || '/'}`;
    });
  };
  // A blocked account keeps its privacy rights: a restricted session opens only them.
  const privacy = () => run(async () => {
    await login(email.trim(), password, 'privacy');
    location.hash = '#/privacy-rights';
  });
  const blocked = error && error.code === 'account_blocked';
  return html`
    <h1>${t('login.title')}</h1>
    <form onSubmit=${submit} class="narrow">
      <${Field} label=${t('field.email')} type="email" autocomplete="username" value=${email} onInput=${setEmail} required />
      <${Field} label=${t('field.password')} type="password" autocomplete="current-password" value=${password}
        onInput=${setPassword} required />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('login.busy') : t('login.submit')}</button>
      ${blocked && html`
        <p>${t('login.blockedPrivacy')}</p>
        <button type="button" class="secondary" disabled=${busy} onClick=${privacy}>${t('login.privacySubmit')}</button>`}
    </form>
    <${ProviderButtons} purpose="login" next=${query.get('next') || '/'} />
    <p><a href=${href('/password-reset')}>${t('login.forgot')}</a></p>
    <p>${t('login.noAccount')} <a href=${href('/register')}>${t('nav.register')}</a></p>`;
}
