// The balance and its ledger, buying credits (with a promotion code if one was given): a
// tariff → the checkout page (Stripe, or the local stack's own) → back here; and one's
// invoices.
import { html, useState, useId } from '../html.js';
import { api, newIdempotencyKey } from '../api.js';
import { t, formatMoney, formatDateTime } from '../i18n.js';
import { reloadMe } from '../session.js';
import { loadTariffs } from '../costs.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from '../components/status.js';
import { Field } from '../components/fields.js';
import { MyInvoices } from '../components/invoices.js';

export function CreditsPage({ query }) {
  const balance = useLoad(async () => {
    const answer = await api('GET', '/me/balance');
    await reloadMe();
    return answer;
  }, []);
  const tariffs = useLoad(loadTariffs, []);
  const [code, setCode] = useState('');
  // One key per distinct request: a retry of the same purchase opens one checkout, while
  // another tariff or a corrected code is a new request (a reused key would be refused).
  const [keys] = useState(() => new Map());
  const keyFor = (body) => {
    const request = JSON.stringify(body);
    if (!keys.has(request)) keys.set(request, newIdempotencyKey());
    return keys.get(request);
  };
  const { busy, error, run, setError } = useAction();
  const buy = (tariffId) => run(async () => {
    const body = { tariff_id: tariffId };
    if (code.trim()) body.promotion_code = code.trim();
    const checkout = await api('POST', '/checkout', { body, idempotencyKey: keyFor(body) });
    location.assign(checkout.checkout_url);
  });
  // A refused code is told beside its field; any other refusal above the tariffs.
  const codeRefused = error && error.code === 'invalid_promotion_code' ? error : null;
  const editCode = (value) => {
    if (codeRefused) setError(null);
    setCode(value);
  };

  return html`
    <h1>${t('credits.title')}</h1>
    ${query.get('welcome') && html`<${Notice}>${t('credits.welcome')}</${Notice}>`}
    ${query.get('checkout') === 'success' && html`<${Notice}>${t('credits.returned')}</${Notice}>`}
    <${ErrorMessage} error=${balance.error} />
    ${balance.loading && html`<${Loading} />`}
    ${balance.data && html`<p class="balance-now">${t('credits.balance', { credits: balance.data.credits })}</p>`}

    <h2>${t('credits.buy')}</h2>
    <${ErrorMessage} error=${tariffs.error || (codeRefused ? null : error)} />
    ${tariffs.loading && html`<${Loading} />`}
    ${tariffs.data && html`
      <p>${t('credits.costs', tariffs.data.action_costs)}</p>
      <${PromotionCode} value=${code} onInput=${editCode} refused=${codeRefused} />
      <ul class="tariffs">
        ${tariffs.data.items.map((tariff) => html`
          <li key=${tariff.id}>
            <h3>${tariff.name}</h3>
            <p>${t('credits.tariff', { credits: tariff.credits, price: formatMoney(tariff.price) })}</p>
            <button type="button" disabled=${busy} onClick=${() => buy(tariff.id)}
              aria-label=${t('credits.buyTariff', { name: tariff.name })}>${t('credits.buyButton')}</button>
          </li>`)}
      </ul>`}

    <h2>${t('credits.history')}</h2>
    ${balance.data && balance.data.entries.items.length === 0 && html`<p>${t('credits.noEntries')}</p>`}
    ${balance.data && balance.data.entries.items.length > 0 && html`
      <table>
        <caption class="visually-hidden">${t('credits.history')}</caption>
        <thead><tr>
          <th scope="col">${t('credits.when')}</th><th scope="col">${t('credits.what')}</th>
          <th scope="col" class="number">${t('credits.change')}</th><th scope="col" class="number">${t('credits.after')}</th>
        </tr></thead>
        <tbody>
          ${balance.data.entries.items.map((entry) => html`
            <tr key=${entry.id}>
              <td>${formatDateTime(entry.created_at)}</td>
              <td>${t(`credits.kind.${entry.kind}`)}${entry.reason ? ` — ${entry.reason}` : ''}</td>
              <td class="number">${entry.credits > 0 ? `+${entry.credits}` : entry.credits}</td>
              <td class="number">${entry.balance_after}</td>
            </tr>`)}
        </tbody>
      </table>`}

    <h2>${t('invoices.title')}</h2>
    <${MyInvoices} />`;
}

/** The optional promotion code sent with the tariff bought; its refusal stands beside it. */
function PromotionCode({ value, onInput, refused }) {
  const errorId = useId();
  return html`
    <div class="promotion-code">
      <${Field} label=${t('credits.promotionCode')} value=${value} onInput=${onInput} maxlength="40"
        autocomplete="off" spellcheck="false" aria-invalid=${refused ? 'true' : undefined}
        aria-describedby=${refused ? errorId : undefined} />
      ${refused && html`<p class="field-error" id=${errorId} role="alert" data-error-for="promotion_code">${refused.message}</p>`}
    </div>`;
}
