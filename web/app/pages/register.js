// Register: the terms version to accept (and where to read it), the birth date, and for
// anyone under 18 the guardian's name, address and consent; then logged in at once.
// After a provider's sign-in (`registration`: the API's registration_required answer)
// the same form carries the registration token instead of a password, prefilled with
// what the provider shared, and `onRegistered` signs in.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { login } from '../session.js';
import { languageOptions, countryOptions } from '../languages.js';
import { Loading, ErrorMessage, useAction, useLoad } from '../components/status.js';
import { Field, Select, Checkbox, CheckboxGroup } from '../components/fields.js';

/** Whole years between `birth` (YYYY-MM-DD) and today. */
export function ageOn(birth, today = new Date()) {
  const [year, month, day] = birth.split('-').map(Number);
  let age = today.getFullYear() - year;
  if (today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)) age -= 1;
  return age;
}

const ADULT_AGE = 18;

/**
 * `registration`: a provider's `registration_required` answer (the callback page);
 * `invitationCode`: the code of the invitation the registration joins (the join page).
 */
export function RegisterPage({ registration, onRegistered, invitationCode = '' } = {}) {
  const terms = useLoad(() => api('GET', '/terms'), []);
  const shared = (registration && registration.profile) || {};
  const [form, setForm] = useState({
    email: shared.email || '', password: '', display_name: shared.display_name || '', date_of_birth: '', country: '',
    native: '', learning: [], accepted: false, marketing: false, notifications: true,
    guardian_name: '', guardian_email: '', guardian_consent: false,
  });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const { busy, error, run } = useAction();
  const minor = form.date_of_birth && ageOn(form.date_of_birth) < ADULT_AGE;

  const submit = (event) => {
    event.preventDefault();
    const body = {
      email: form.email.trim(),
      password: form.password,
      display_name: form.display_name.trim(),
      date_of_birth: form.date_of_birth,
      country: form.country,
      native_languages: [form.native],
      learning_languages: form.learning.filter((tag) => tag !== form.native),
      accepted_terms_version: terms.data.version,
      consents: { marketing_emails: form.marketing, notification_emails: form.notifications },
    };
    if (invitationCode) body.invitation_code = invitationCode;
    if (minor) {
      body.guardian = { name: form.guardian_name.trim(), email: form.guardian_email.trim(), consent: form.guardian_consent };
    }
    if (registration) {
      delete body.password;
      body.registration_token = registration.registration_token;
      if (!body.email) delete body.email;
    }
    run(async () => {
      await api('POST', '/accounts', { body });
      if (registration) {
        await onRegistered();
        return;
      }
      await login(body.email, body.password);
      navigate('/credits', {}, { welcome: '1' });
    });
  };

  if (terms.loading) return html`<h1>${t('register.title')}</h1><${Loading} />`;
  if (terms.error) return html`<h1>${t('register.title')}</h1><${ErrorMessage} error=${terms.error} />`;
  const languages = languageOptions();
  return html`
    <h1>${t('register.title')}</h1>
    ${invitationCode && html`<p class="notice">${t('register.invited')}</p>`}
    <form onSubmit=${submit}>
      <${Field} label=${t('field.email')} type="email" autocomplete="email" value=${form.email} onInput=${set('email')}
        required=${!shared.email} hint=${shared.email ? t('register.providerEmailHint') : undefined} />
      ${!registration && html`
        <${Field} label=${t('field.password')} type="password" autocomplete="new-password" value=${form.password}
          onInput=${set('password')} required minlength="10" maxlength="128" hint=${t('register.passwordHint')} />`}
      <${Field} label=${t('field.displayName')} value=${form.display_name} onInput=${set('display_name')} required
        maxlength="50" hint=${t('register.displayNameHint')} />
      <${Field} label=${t('field.birthDate')} type="date" value=${form.date_of_birth} onInput=${set('date_of_birth')} required />
      <${Select} label=${t('field.country')} value=${form.country} onChange=${set('country')} required
        options=${[{ value: '', label: t('common.choose') }, ...countryOptions()]} />
      <${Select} label=${t('field.nativeLanguage')} value=${form.native} onChange=${set('native')} required
        options=${[{ value: '', label: t('common.choose') }, ...languages]} />
      <${CheckboxGroup} legend=${t('field.learningLanguages')} options=${languages}
        values=${form.learning} onChange=${set('learning')} />
      ${minor && html`
        <fieldset class="guardian">
          <legend>${t('register.guardian')}</legend>
          <p class="hint">${t('register.guardianHint')}</p>
          <${Field} label=${t('register.guardianName')} value=${form.guardian_name} onInput=${set('guardian_name')} required maxlength="100" />
          <${Field} label=${t('register.guardianEmail')} type="email" value=${form.guardian_email} onInput=${set('guardian_email')} required />
          <${Checkbox} label=${t('register.guardianConsent')} checked=${form.guardian_consent}
            onChange=${set('guardian_consent')} required />
        </fieldset>`}
      <fieldset class="choices">
        <legend>${t('register.emails')}</legend>
        <${Checkbox} label=${t('consents.notifications')} checked=${form.notifications} onChange=${set('notifications')} />
        <${Checkbox} label=${t('consents.marketing')} checked=${form.marketing} onChange=${set('marketing')} />
      </fieldset>
      <p>
        <a href=${terms.data.url} target="_blank" rel="noopener">${t('register.readTerms', { version: terms.data.version })}</a>
      </p>
      <${Checkbox} label=${t('register.accept', { version: terms.data.version })} checked=${form.accepted}
        onChange=${set('accepted')} required />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? t('register.busy') : t('register.submit')}</button>
    </form>`;
}
