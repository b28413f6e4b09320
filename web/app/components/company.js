// A corporate client's company: the form that sets it (PUT /v1/me/company, each refused
// field's message beside that field) and the card that shows one, on the account page and
// on the partner managers' list.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { t, formatDay, formatDateTime, countryName } from '../i18n.js';
import { session, reloadMe } from '../session.js';
import { countryOptions } from '../languages.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from './status.js';
import { Field, Select } from './fields.js';

const TAX_ID_TYPES = ['eu_vat', 'gb_vat', 'ch_vat', 'no_vat', 'us_ein', 'ru_inn'];
const EMPTY_ADDRESS = { line1: '', line2: '', city: '', postal_code: '', country: '' };

/** The account page's section: the saved company, and the form to set or replace it. */
export function CompanyDetails() {
  // Only a corporate client has a company to read (asking otherwise is a 404).
  const loaded = useLoad(() => (session.me.corporate ? api('GET', '/me/company') : Promise.resolve(null)), []);
  const [saved, setSaved] = useState(null);
  if (loaded.loading) return html`<${Loading} />`;
  if (loaded.error) return html`<${ErrorMessage} error=${loaded.error} />`;
  const company = saved || loaded.data;
  return html`
    ${session.me.corporate
      ? html`<p class="corporate">${t('company.corporate')}</p>`
      : html`<p>${t('company.hint')}</p>`}
    ${saved && html`<${Notice}>${t('company.saved')}</${Notice}>`}
    ${company && html`<${CompanyCard} company=${company} />`}
    <${CompanyForm} company=${company} onSaved=${setSaved} />`;
}

function formOf(company) {
  if (!company) {
    return {
      legal_name: '', registration_number: '', registered_on: '',
      legal_address: { ...EMPTY_ADDRESS }, postal_address: { ...EMPTY_ADDRESS },
      tax_type: '', tax_value: '', contact_phone: '', rep_name: '', rep_position: '',
    };
  }
  const address = (a) => ({ ...a, line2: a.line2 || '' });
  return {
    legal_name: company.legal_name,
    registration_number: company.registration_number,
    registered_on: company.registered_on,
    legal_address: address(company.legal_address),
    postal_address: address(company.postal_address),
    tax_type: company.tax_id ? company.tax_id.type : '',
    tax_value: company.tax_id ? company.tax_id.value : '',
    contact_phone: company.contact_phone || '',
    rep_name: company.representative ? company.representative.name : '',
    rep_position: company.representative ? company.representative.position : '',
  };
}

/** The request body the form's values make (an empty second line or tax ID is left out). */
function bodyOf(form) {
  const address = ({ line2, ...rest }) => (line2.trim() ? { ...rest, line2 } : rest);
  const body = {
    legal_name: form.legal_name,
    registration_number: form.registration_number,
    registered_on: form.registered_on,
    legal_address: address(form.legal_address),
    postal_address: address(form.postal_address),
    contact_phone: form.contact_phone,
    representative: { name: form.rep_name, position: form.rep_position },
  };
  if (form.tax_type) body.tax_id = { type: form.tax_type, value: form.tax_value };
  return body;
}

function CompanyForm({ company, onSaved }) {
  const [form, setForm] = useState(() => formOf(company));
  const { busy, error, run } = useAction();
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const setIn = (address, name) => (value) => setForm((f) => ({ ...f, [address]: { ...f[address], [name]: value } }));
  // The 422's field errors, by the request's field path (`legal_address.postal_code`).
  const errors = new Map(((error && error.errors) || []).map((e) => [e.field, e.message]));
  const field = (name, label, value, onInput, extra = {}) => html`
    <${Field} label=${label} value=${value} onInput=${onInput} aria-invalid=${errors.has(name) ? 'true' : undefined}
      data-field=${name} ...${extra} />
    ${errors.has(name) && html`<p class="field-error" data-error-for=${name}>${errors.get(name)}</p>`}`;
  const address = (which) => html`
    <fieldset>
      <legend>${t(`company.${which}`)}</legend>
      ${field(`${which}.line1`, t('company.line1'), form[which].line1, setIn(which, 'line1'), { required: true })}
      ${field(`${which}.line2`, t('company.line2'), form[which].line2, setIn(which, 'line2'))}
      ${field(`${which}.postal_code`, t('company.postalCode'), form[which].postal_code, setIn(which, 'postal_code'), { required: true })}
      ${field(`${which}.city`, t('company.city'), form[which].city, setIn(which, 'city'), { required: true })}
      <${Select} label=${t('company.country')} value=${form[which].country} onChange=${setIn(which, 'country')} required
        options=${[{ value: '', label: t('company.choose') }, ...countryOptions()]} />
      ${errors.has(`${which}.country`) && html`<p class="field-error" data-error-for=${`${which}.country`}>${errors.get(`${which}.country`)}</p>`}
    </fieldset>`;
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const stored = await api('PUT', '/me/company', { body: bodyOf(form) });
      await reloadMe();
      setForm(formOf(stored));
      onSaved(stored);
    });
  };
  return html`
    <form onSubmit=${submit} novalidate>
      ${field('legal_name', t('company.legalName'), form.legal_name, set('legal_name'), { required: true })}
      ${field('registration_number', t('company.registrationNumber'), form.registration_number, set('registration_number'), { required: true })}
      ${field('registered_on', t('company.registeredOn'), form.registered_on, set('registered_on'), { type: 'date', required: true })}
      ${address('legal_address')}
      ${address('postal_address')}
      <fieldset>
        <legend>${t('company.taxId')}</legend>
        <${Select} label=${t('company.taxIdType')} value=${form.tax_type} onChange=${set('tax_type')}
          options=${[{ value: '', label: t('company.noTaxId') }, ...TAX_ID_TYPES.map((v) => ({ value: v, label: t(`company.taxIdType.${v}`) }))]} />
        ${field('tax_id', t('company.taxIdValue'), form.tax_value, set('tax_value'), { disabled: !form.tax_type })}
      </fieldset>
      ${field('contact_phone', t('company.contactPhone'), form.contact_phone, set('contact_phone'), { type: 'tel', autocomplete: 'tel', required: true })}
      <fieldset>
        <legend>${t('company.representative')}</legend>
        ${field('representative.name', t('company.representativeName'), form.rep_name, set('rep_name'), { required: true })}
        ${field('representative.position', t('company.representativePosition'), form.rep_position, set('rep_position'), { required: true })}
      </fieldset>
      <${ErrorMessage} error=${error} />
      <button type="submit" disabled=${busy}>${t('company.save')}</button>
    </form>`;
}

function addressLine(a) {
  return [a.line1, a.line2, `${a.postal_code} ${a.city}`, countryName(a.country)].filter(Boolean).join(', ');
}

/** One company as stored (its contact is null once the account was erased). */
export function CompanyCard({ company }) {
  return html`
    <dl class="company" data-company=${company.legal_name}>
      <dt>${t('company.legalName')}</dt><dd>${company.legal_name}</dd>
      <dt>${t('company.registrationNumber')}</dt><dd>${company.registration_number}</dd>
      <dt>${t('company.registeredOn')}</dt><dd>${formatDay(company.registered_on)}</dd>
      <dt>${t('company.legal_address')}</dt><dd>${addressLine(company.legal_address)}</dd>
      <dt>${t('company.postal_address')}</dt><dd>${addressLine(company.postal_address)}</dd>
      <dt>${t('company.taxId')}</dt><dd>${company.tax_id ? `${t(`company.taxIdType.${company.tax_id.type}`)} ${company.tax_id.value}` : t('company.noTaxId')}</dd>
      <dt>${t('company.contactPhone')}</dt><dd>${company.contact_phone || t('company.erased')}</dd>
      <dt>${t('company.representative')}</dt>
      <dd>${company.representative ? `${company.representative.name}, ${company.representative.position}` : t('company.erased')}</dd>
      <dt>${t('company.updatedAt')}</dt><dd>${formatDateTime(company.updated_at)}</dd>
    </dl>`;
}
