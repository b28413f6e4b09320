// The balance and its ledger, and buying credits: a tariff → the checkout page (Stripe,
// or the local stack's own) → back here.
import { html, useState } from '../html.js';
import { api, newIdempotencyKey } from '../api.js';
import { t, formatMoney, formatDateTime } from '../i18n.js';
import { reloadMe } from '../session.js';
import { loadTariffs } from '../costs.js';
import { Loading, ErrorMessage, Notice, useLoad, useAction } from '../components/status.js';

export function CreditsPage({ query }) {
  const balance = useLoad(async () => {
    const answer = await api('GET', '/me/balance');
    await reloadMe();
    return answer;
  }, []);
  const tariffs = useLoad(loadTariffs, []);
  const [key] = useState(newIdempotencyKey);
  const { busy, error, run } = useAction();
  const buy = (tariffId) => run(async () => {
    const checkout = await api('POST', '/checkout', { body: { tariff_id: tariffId }, idempotencyKey: `${key}-${tariffId}` });
    location.assign(checkout.checkout_url);
  });

  return html`
    <h1>${t('credits.title')}</h1>
    ${query.get('welcome') && html`<${Notice}>${t('credits.welcome')}</${Notice}>`}
    ${query.get('checkout') === 'success' && html`<${Notice}>${t('credits.returned')}</${Notice}>`}
    <${ErrorMessage} error=${balance.error} />
    ${balance.loading && html`<${Loading} />`}
    ${balance.data && html`<p class="balance-now">${t('credits.balance', { credits: balance.data.credits })}</p>`}

    <h2>${t('credits.buy')}</h2>
    <${ErrorMessage} error=${tariffs.error || error} />
    ${tariffs.loading && html`<${Loading} />`}
    ${tariffs.data && html`
      <p>${t('credits.costs', tariffs.data.action_costs)}</p>
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
      </table>`}`;
}
