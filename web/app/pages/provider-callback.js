// Where a provider sends the person back (`?code=…&state=…`, VK ID's with `&device_id=…`, made into this route by
// social.js). A sign-in ends signed in, or with the registration form carrying the
// registration token, or, when the provider's verified address already has an account,
// with the way to link it (log in with the password, then link on the account page). A
// link asks for the password first: linking is confirmed by it.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { session, socialLogin } from '../session.js';
import { startProviderSignIn, takeArrival } from '../social.js';
import { Loading, ErrorMessage, Notice, useAction, useLoad } from '../components/status.js';
import { Field } from '../components/fields.js';
import { RegisterPage } from './register.js';

export function ProviderCallbackPage() {
  // Taken once: the state is single-use, here as at the API.
  const [pending] = useState(takeArrival);
  if (!pending) {
    return html`
      <h1>${t('social.title')}</h1>
      <p class="error" role="alert">${t('social.notStartedHere')}</p>
      <p><a href=${href('/login')}>${t('login.title')}</a></p>`;
  }
  if (pending.error || !pending.code) {
    return html`
      <h1>${t('social.title')}</h1>
      <p class="error" role="alert">${t('social.refused', { provider: pending.name })}</p>
      <p><a href=${href(pending.purpose === 'link' ? '/account' : '/login')}>${t('social.back')}</a></p>`;
  }
  const callback = { provider: pending.provider, code: pending.code, state: pending.state };
  // VK ID's exchange needs the device id its redirect named; the others send none.
  if (pending.deviceId) callback.device_id = pending.deviceId;
  return pending.purpose === 'link'
    ? html`<${LinkIdentity} pending=${pending} callback=${callback} />`
    : html`<${SignIn} pending=${pending} callback=${callback} />`;
}

function SignIn({ pending, callback }) {
  const [registered, setRegistered] = useState(false);
  const outcome = useLoad(async () => {
    const answer = await socialLogin(callback.provider, callback.code, callback.state, callback.device_id);
    if (answer === true) navigate(pending.next || '/');
    return answer;
  }, []);
  if (outcome.loading) return html`<h1>${t('social.title')}</h1><${Loading} label=${t('social.checking', { provider: pending.name })} />`;
  if (outcome.error) {
    if (outcome.error.code === 'link_required') return html`<${LinkRequired} pending=${pending} error=${outcome.error} />`;
    return html`
      <h1>${t('social.title')}</h1>
      <${ErrorMessage} error=${outcome.error} />
      <p><a href=${href('/login')}>${t('social.back')}</a></p>`;
  }
  if (registered) return html`<${Registered} pending=${pending} />`;
  if (outcome.data && outcome.data.registration_required) {
    return html`
      <${Notice}>${t('social.registerIntro', { provider: pending.name })}</${Notice}>
      <${RegisterPage} registration=${outcome.data} onRegistered=${() => setRegistered(true)} />`;
  }
  return html`<h1>${t('social.title')}</h1><${Notice}>${t('social.signedIn')}</${Notice}>`;
}

/** The provider's address belongs to an account: its owner proves the password first. */
function LinkRequired({ pending, error }) {
  return html`
    <h1>${t('social.linkRequiredTitle')}</h1>
    <p role="alert">${error.message}</p>
    <p>${t('social.linkRequiredText', { provider: pending.name })}</p>
    <p><a class="button" href=${href('/login', {}, { next: '/account' })}>${t('social.logInToLink')}</a></p>`;
}

/** The account exists now; one more sign-in with the provider opens its session. */
function Registered({ pending }) {
  const { busy, error, run } = useAction();
  const again = () => run(() => startProviderSignIn({ id: pending.provider, name: pending.name }, 'login', '/credits'));
  return html`
    <h1>${t('social.registeredTitle')}</h1>
    <${Notice}>${t('social.registeredText', { provider: pending.name })}</${Notice}>
    <${ErrorMessage} error=${error} />
    <button type="button" disabled=${busy} onClick=${again}>${t('social.continue', { provider: pending.name })}</button>`;
}

function LinkIdentity({ pending, callback }) {
  const [password, setPassword] = useState('');
  const [linked, setLinked] = useState(false);
  const { busy, error, run } = useAction();
  if (!session.me) {
    return html`
      <h1>${t('social.linkTitle', { provider: pending.name })}</h1>
      <p class="error" role="alert">${t('social.linkSignedOut')}</p>
      <p><a href=${href('/login', {}, { next: '/account' })}>${t('login.title')}</a></p>`;
  }
  if (linked) {
    return html`
      <h1>${t('social.linkTitle', { provider: pending.name })}</h1>
      <${Notice}>${t('social.linked', { provider: pending.name })}</${Notice}>
      <p><a href=${href('/account')}>${t('social.toAccount')}</a></p>`;
  }
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api('POST', '/me/identities', { body: { ...callback, password } });
      setLinked(true);
    });
  };
  return html`
    <h1>${t('social.linkTitle', { provider: pending.name })}</h1>
    <p>${t('social.linkConfirm', { provider: pending.name })}</p>
    <form onSubmit=${submit} class="narrow">
      <${Field} label=${t('field.password')} type="password" autocomplete="current-password" value=${password}
        onInput=${setPassword} required />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('social.linking') : t('social.linkSubmit')}</button>
    </form>
    <p><a href=${href('/account')}>${t('social.toAccount')}</a></p>`;
}
