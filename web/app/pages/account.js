// One's own account: the profile, the e-mail address (verified, changed), the password,
// e-mail consents, the data export, privacy requests and
// their deadlines, notifications, complaints filed, ending every session, and erasure.
// Each section is its own component: a new account feature is a new section here.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime, formatDate, languageName } from '../i18n.js';
import { session, reloadMe, forget } from '../session.js';
import { languageOptions, countryOptions } from '../languages.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from '../components/status.js';
import { Field, TextArea, Select, Checkbox, CheckboxGroup } from '../components/fields.js';
import { uploadFile } from '../voice.js';
import { Identities } from '../components/identities.js';
import { Invitations } from '../components/invitations.js';
import { CompanyDetails } from '../components/company.js';
import { GuardianConsentAwaited } from '../components/guardian-consent.js';

const SECTIONS = [
  ['profile', Profile],
  ['photo', Photo],
  ['levels', Levels],
  ['address', Address],
  ['password', PasswordChange],
  ['identities', Identities],
  ['consents', Consents],
  ['export', Export],
  ['privacy', PrivacyRequests],
  ['notifications', Notifications],
  ['complaints', MyComplaints],
  ['sessions', Sessions],
  ['erasure', Erasure],
  ['invitations', Invitations],
  ['company', CompanyDetails],
];

export function AccountPage() {
  return html`
    <h1>${t('account.title')}</h1>
    <${GuardianConsentAwaited} me=${session.me} />
    <nav aria-label=${t('account.sections')} class="toc">
      <ul>${SECTIONS.map(([id]) => html`<li key=${id}><a href=${`#/account`} onClick=${(e) => jump(e, id)}>${t(`account.${id}`)}</a></li>`)}</ul>
    </nav>
    ${SECTIONS.map(([id, Section]) => html`
      <section key=${id} id=${`section-${id}`} aria-labelledby=${`h-${id}`} class="card">
        <h2 id=${`h-${id}`}>${t(`account.${id}`)}</h2>
        <${Section} />
      </section>`)}`;
}

/** In-page links without touching the hash (which holds the route). */
function jump(event, id) {
  event.preventDefault();
  const heading = document.getElementById(`h-${id}`);
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

function Profile() {
  const me = session.me;
  const [form, setForm] = useState({
    display_name: me.display_name, full_name: me.full_name || '', city: me.city || '', country: me.country,
    native_languages: me.native_languages, learning_languages: me.learning_languages, skype: me.skype || '',
  });
  const [saved, setSaved] = useState(false);
  const set = (name) => (value) => { setSaved(false); setForm((f) => ({ ...f, [name]: value })); };
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    const body = { ...form };
    for (const name of ['full_name', 'city']) if (!body[name].trim()) delete body[name];
    // Skype is private; an empty field clears it.
    body.skype = body.skype.trim() || null;
    run(async () => {
      await api('PATCH', '/me', { body });
      await reloadMe();
      setSaved(true);
    });
  };
  return html`
    <dl class="facts">
      <dt>${t('field.email')}</dt><dd>${me.email}</dd>
      <dt>${t('field.birthDate')}</dt><dd>${me.date_of_birth ? formatDate(me.date_of_birth) : '—'}</dd>
      <dt>${t('account.roles')}</dt><dd>${me.roles.join(', ')}</dd>
      <dt>${t('account.since')}</dt><dd>${formatDate(me.created_at)}</dd>
    </dl>
    <form onSubmit=${submit}>
      <${Field} label=${t('field.displayName')} value=${form.display_name} onInput=${set('display_name')} required maxlength="50" />
      <${Field} label=${t('field.fullName')} value=${form.full_name} onInput=${set('full_name')} maxlength="100" />
      <${Select} label=${t('field.country')} value=${form.country} onChange=${set('country')} options=${countryOptions()} />
      <${Field} label=${t('field.city')} value=${form.city} onInput=${set('city')} maxlength="100" />
      <${Field} label=${t('field.skype')} value=${form.skype} onInput=${set('skype')} maxlength="70" hint=${t('field.skypeHint')} />
      <${CheckboxGroup} legend=${t('field.nativeLanguages')} options=${languageOptionsWith(form.native_languages)}
        values=${form.native_languages} onChange=${set('native_languages')} />
      <${CheckboxGroup} legend=${t('field.learningLanguages')} options=${languageOptionsWith(form.learning_languages)}
        values=${form.learning_languages} onChange=${set('learning_languages')} />
      <${ErrorMessage} error=${error} />
      ${saved && html`<${Notice}>${t('common.saved')}</${Notice}>`}
      <button type="submit" disabled=${busy}>${busy ? t('common.saving') : t('common.save')}</button>
    </form>`;
}

const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

/** The CEFR level of each language learned (shown on the public profile). */
function Levels() {
  const me = session.me;
  const [levels, setLevels] = useState({ ...(me.learning_levels || {}) });
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  if (!me.learning_languages.length) return html`<p>${t('levels.none')}</p>`;
  const set = (tag) => (value) => {
    setSaved(false);
    setLevels((l) => {
      const next = { ...l };
      if (value) next[tag.toLowerCase()] = value; else delete next[tag.toLowerCase()];
      return next;
    });
  };
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api('PATCH', '/me', { body: { learning_levels: levels } });
      await reloadMe();
      setSaved(true);
    });
  };
  const options = [{ value: '', label: t('levels.unset') }, ...LEVELS.map((l) => ({ value: l, label: l }))];
  return html`
    <form onSubmit=${submit}>
      ${me.learning_languages.map((tag) => html`
        <${Select} key=${tag} label=${languageName(tag)} value=${levels[tag.toLowerCase()] || ''}
          onChange=${set(tag)} options=${options} />`)}
      <${ErrorMessage} error=${error} />
      ${saved && html`<${Notice}>${t('common.saved')}</${Notice}>`}
      <button type="submit" disabled=${busy}>${busy ? t('common.saving') : t('common.save')}</button>
    </form>`;
}

/** The profile photo: shown from the public profile, replaced by a file, deleted. */
function Photo() {
  const me = session.me;
  const profile = useLoad(() => api('GET', `/accounts/${me.id}`, { fresh: true }), []);
  // What this page changed (the profile is cached for a few seconds): the URLs the
  // upload answered, or null once deleted.
  const [changed, setChanged] = useState(undefined);
  const [file, setFile] = useState(null);
  const { busy, error, run } = useAction();
  const upload = (event) => {
    event.preventDefault();
    if (!file) return;
    run(async () => {
      const uploadId = await uploadFile('/me/photo-uploads', file);
      setChanged(await api('PUT', '/me/photo', { body: { upload_id: uploadId } }));
      setFile(null);
    });
  };
  const remove = () => run(async () => {
    await api('DELETE', '/me/photo');
    setChanged(null);
  });
  if (profile.loading) return html`<${Loading} />`;
  if (profile.error) return html`<${ErrorMessage} error=${profile.error} />`;
  const photo = changed === undefined ? profile.data.photo : changed;
  return html`
    ${photo
      ? html`<img class="photo" src=${photo.url} alt=${t('photo.alt', { name: me.display_name })} />`
      : html`<p>${t('photo.none')}</p>`}
    <form onSubmit=${upload}>
      <label>${t('photo.file')}
        <input type="file" accept="image/jpeg,image/png,image/webp"
          onChange=${(e) => setFile(e.currentTarget.files[0] || null)} /></label>
      <p class="hint">${t('photo.hint')}</p>
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy || !file}>${busy ? t('common.saving') : t('photo.upload')}</button>
      ${photo && html` <button type="button" onClick=${remove} disabled=${busy}>${t('photo.delete')}</button>`}
    </form>
    <p><a href=${`#/accounts/${me.id}`}>${t('profile.public')}</a></p>`;
}

/** The offered languages, plus any the account already has that the list lacks. */
function languageOptionsWith(tags) {
  const options = languageOptions();
  for (const tag of tags) {
    if (!options.some((o) => o.value === tag)) options.push({ value: tag, label: languageName(tag) });
  }
  return options;
}

export function Consents() {
  const [consents, setConsents] = useState(session.me.consents);
  const [saved, setSaved] = useState(null);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const change = await api('PUT', '/me/consents', { body: consents });
      await reloadMe();
      setSaved(change.changed_at);
    });
  };
  const set = (name) => (value) => setConsents((c) => ({ ...c, [name]: value }));
  return html`
    <form onSubmit=${submit}>
      <${Checkbox} label=${t('consents.notifications')} checked=${consents.notification_emails} onChange=${set('notification_emails')} />
      <${Checkbox} label=${t('consents.marketing')} checked=${consents.marketing_emails} onChange=${set('marketing_emails')} />
      <${ErrorMessage} error=${error} />
      ${saved && html`<${Notice}>${t('consents.saved', { when: formatDateTime(saved) })}</${Notice}>`}
      <button type="submit" disabled=${busy}>${t('common.save')}</button>
    </form>`;
}

export function Export() {
  const [ready, setReady] = useState(null);
  const { busy, error, run } = useAction();
  const download = () => run(async () => {
    const response = await api('GET', '/me/export', { raw: true });
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const name = `natives-chat-export-${new Date().toISOString().slice(0, 10)}.json`;
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setReady({ name, size: blob.size });
  });
  return html`
    <p>${t('export.text')}</p>
    <${ErrorMessage} error=${error} />
    ${ready && html`<${Notice}>${t('export.done', ready)}</${Notice}>`}
    <button type="button" disabled=${busy} onClick=${download}>${busy ? t('common.loading') : t('export.download')}</button>`;
}

const REQUEST_KINDS = ['access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'withdraw_consent'];

export function PrivacyRequests() {
  const list = useLoad(() => api('GET', '/me/privacy-requests'), []);
  const [kind, setKind] = useState('access');
  const [details, setDetails] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    const body = details.trim() ? { kind, details: details.trim() } : { kind };
    run(async () => {
      await api('POST', '/me/privacy-requests', { body });
      setDetails('');
      list.reload();
    });
  };
  return html`
    <p>${t('privacy.text')}</p>
    <form onSubmit=${submit}>
      <${Select} label=${t('privacy.kind')} value=${kind} onChange=${setKind}
        options=${REQUEST_KINDS.map((k) => ({ value: k, label: t(`privacy.kind.${k}`) }))} />
      <${TextArea} label=${t('privacy.details')} value=${details} onInput=${setDetails} maxlength="2000" />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${t('privacy.send')}</button>
    </form>
    <${ErrorMessage} error=${list.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data && list.data.items.length > 0 && html`
      <ul class="plain">
        ${list.data.items.map((r) => html`
          <li key=${r.id}>
            <strong>${t(`privacy.kind.${r.kind}`)}</strong> — ${t(`privacy.status.${r.status}`)}${' '}
            <span class="meta">${t('privacy.due', { received: formatDate(r.received_at), due: formatDate(r.due_at) })}</span>
            ${r.response && html`<p>${r.response}</p>`}
          </li>`)}
      </ul>`}`;
}

/** A list the API answers with `{items}`: loading, its error, `empty` when there is none. */
function ListOf({ load, empty, item }) {
  const list = useLoad(load, []);
  return html`
    <${ErrorMessage} error=${list.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data && list.data.items.length === 0 && html`<p>${empty}</p>`}
    ${list.data && list.data.items.length > 0 && html`<ul class="plain">${list.data.items.map(item)}</ul>`}`;
}

function Notifications() {
  return html`<${ListOf} load=${() => api('GET', '/me/notifications')} empty=${t('notifications.none')}
    item=${(n) => html`
      <li key=${n.id}><strong>${n.title}</strong>${' '}<span class="meta">${formatDateTime(n.created_at)}</span><p>${n.body}</p></li>`} />`;
}

function MyComplaints() {
  return html`<${ListOf} load=${() => api('GET', '/me/complaints')} empty=${t('complaints.none')}
    item=${(c) => html`
      <li key=${c.id}>
        ${t(`complaint.reason.${c.reason}`)} — ${c.outcome ? t(`complaints.outcome.${c.outcome}`) : t('complaints.open')}${' '}
        <span class="meta">${formatDateTime(c.created_at)}</span>
      </li>`} />`;
}

/** Enter the code an e-mail carried; `confirm(code)` sends it. */
function CodeForm({ label, confirm }) {
  const [code, setCode] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(() => confirm(code.trim()));
  };
  return html`
    <form onSubmit=${submit}>
      <${Field} label=${label} inputmode="numeric" autocomplete="one-time-code" value=${code} onInput=${setCode}
        required maxlength="32" />
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${t('code.confirm')}</button>
    </form>`;
}

/** The address: verified or not (a code to it proves it), and a move to a new one. */
function Address() {
  const me = session.me;
  const [codeSent, setCodeSent] = useState(false);
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const [changeSent, setChangeSent] = useState(false);
  const [notice, setNotice] = useState('');
  const sending = useAction();
  const changing = useAction();
  const sendCode = () => sending.run(async () => {
    await api('POST', '/me/email-verification');
    setCodeSent(true);
  });
  const verify = async (code) => {
    await api('POST', '/me/email-verification/confirm', { body: { code } });
    await reloadMe();
    setNotice(t('address.verified'));
  };
  const askChange = (event) => {
    event.preventDefault();
    changing.run(async () => {
      await api('POST', '/me/email-change', { body: { new_email: newEmail.trim(), password } });
      setPassword('');
      setChangeSent(true);
    });
  };
  const moveTo = async (code) => {
    await api('POST', '/me/email-change/confirm', { body: { code } });
    await reloadMe();
    setChangeSent(false);
    setNotice(t('address.changed', { email: session.me.email }));
  };
  return html`
    <p>${me.email_verified ? t('address.isVerified', { email: me.email }) : t('address.notVerified', { email: me.email })}</p>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    ${!me.email_verified && html`
      <${ErrorMessage} error=${sending.error} />
      <button type="button" class="secondary" disabled=${sending.busy} onClick=${sendCode}>${t('address.sendCode')}</button>
      ${codeSent && html`<${Notice}>${t('address.codeSent')}</${Notice}>`}
      <${CodeForm} label=${t('address.verifyCode')} confirm=${verify} />`}
    <h3>${t('address.change')}</h3>
    <form onSubmit=${askChange}>
      <${Field} label=${t('address.newEmail')} type="email" autocomplete="email" value=${newEmail} onInput=${setNewEmail} required />
      <${Field} label=${t('field.currentPassword')} type="password" autocomplete="current-password" value=${password}
        onInput=${setPassword} required />
      <${ErrorMessage} error=${changing.error} />
      <button type="submit" disabled=${changing.busy}>${t('address.sendChangeCode')}</button>
    </form>
    ${changeSent && html`
      <${Notice}>${t('address.changeCodeSent', { email: newEmail.trim() })}</${Notice}>
      <${CodeForm} label=${t('address.changeCode')} confirm=${moveTo} />`}`;
}

/** A new password with the current one; every other session ends, this one stays. */
function PasswordChange() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api('POST', '/me/password', { body: { current_password: current, new_password: next } });
      setCurrent('');
      setNext('');
      setSaved(true);
    });
  };
  return html`
    <p>${t('password.text')}</p>
    <form onSubmit=${submit}>
      <${Field} label=${t('field.currentPassword')} type="password" autocomplete="current-password" value=${current}
        onInput=${(v) => { setSaved(false); setCurrent(v); }} required />
      <${Field} label=${t('field.newPassword')} hint=${t('register.passwordHint')} type="password" autocomplete="new-password"
        value=${next} onInput=${setNext} required minlength="10" maxlength="128" />
      <${ErrorMessage} error=${error} />
      ${saved && html`<${Notice}>${t('password.changed')}</${Notice}>`}
      <button type="submit" disabled=${busy}>${t('password.submit')}</button>
    </form>`;
}

function Sessions() {
  const { busy, error, run } = useAction();
  const revoke = () => run(async () => {
    await api('POST', '/sessions/revoke-all');
    forget();
    location.hash = '#/login';
  });
  return html`
    <p>${t('sessions.text')}</p>
    <${ErrorMessage} error=${error} />
    <button type="button" class="secondary" disabled=${busy} onClick=${revoke}>${t('sessions.revokeAll')}</button>`;
}

export function Erasure() {
  const [password, setPassword] = useState('');
  const [sure, setSure] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api('POST', '/me/erasure', { body: { password } });
      forget();
      location.hash = '#/';
    });
  };
  return html`
    <p>${t('erasure.text')}</p>
    <form onSubmit=${submit}>
      <${Field} label=${t('field.password')} type="password" autocomplete="current-password" value=${password}
        onInput=${setPassword} required />
      <${Checkbox} label=${t('erasure.sure')} checked=${sure} onChange=${setSure} required />
      <${ErrorMessage} error=${error} />
      <button type="submit" class="danger" disabled=${busy || !sure}>${t('erasure.submit')}</button>
    </form>`;
}
