// Partner managers' list: every corporate client's company with its purchases and
// invoices, a page at a time (GET /v1/admin/companies).
import { html, useState, useEffect } from '../html.js';
import { api } from '../api.js';
import { t, formatDateTime, formatMoney } from '../i18n.js';
import { Loading, ErrorMessage, useAction } from '../components/status.js';
import { CompanyCard } from '../components/company.js';

export function CompaniesPage() {
  const [companies, setCompanies] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const { busy, error, run } = useAction();
  const load = (from) => run(async () => {
    const page = await api('GET', '/admin/companies', { query: { cursor: from } });
    setCompanies((previous) => (from ? [...previous, ...page.items] : page.items));
    setCursor(page.next_cursor);
    setLoaded(true);
  });
  useEffect(() => { load(null); }, []);

  return html`
    <h1>${t('companies.title')}</h1>
    <${ErrorMessage} error=${error} />
    ${!loaded && busy && html`<${Loading} />`}
    ${loaded && companies.length === 0 && html`<p>${t('companies.none')}</p>`}
    ${companies.map((item) => html`
      <section key=${item.account_id} class="card" aria-label=${item.company.legal_name}>
        <h2>${item.company.legal_name}</h2>
        <${CompanyCard} company=${item.company} />
        <h3>${t('companies.purchases')}</h3>
        ${item.purchases.length === 0 ? html`<p>${t('companies.noPurchases')}</p>` : html`
          <ul class="purchases">
            ${item.purchases.map((p) => html`
              <li key=${p.checkout_session_id}>${t('companies.purchase', {
                when: formatDateTime(p.created_at), credits: p.credits, price: formatMoney(p.price), status: p.status,
              })}</li>`)}
          </ul>`}
        ${item.invoices && html`
          <h3>${t('companies.invoices')}</h3>
          ${item.invoices.length === 0 ? html`<p>${t('companies.noInvoices')}</p>` : html`
            <ul class="invoices">
              ${item.invoices.map((i) => html`
                <li key=${i.id}>
                  <a href=${i.hosted_invoice_url} rel="noopener">${t('companies.invoice', {
                    number: i.number, amount: formatMoney(i.amount), when: formatDateTime(i.issued_at), status: i.status,
                  })}</a>
                </li>`)}
            </ul>`}`}
      </section>`)}
    ${cursor && html`
      <button type="button" disabled=${busy} onClick=${() => load(cursor)}>
        ${busy ? t('common.loading') : t('common.more')}
      </button>`}`;
}
