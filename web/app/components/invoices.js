// One's own invoices (GET /v1/me/invoices): a corporate client gets one per paid purchase,
// newest first, a page at a time. Each links to its page (Stripe's hosted invoice, or the
// local stack's own) and its PDF (locally, the same page to print).
import { html } from '../html.js';
import { t, formatDate, formatMoney } from '../i18n.js';
import { session } from '../session.js';
import { Loading, ErrorMessage, usePages } from './status.js';

export function MyInvoices() {
  const { items, loaded, busy, error, more } = usePages('/me/invoices');
  return html`
    <${ErrorMessage} error=${error} />
    ${!loaded && busy && html`<${Loading} />`}
    ${loaded && items.length === 0 && (session.me.corporate
      ? html`<p>${t('invoices.none')}</p>`
      : html`<p>${t('invoices.notCorporate')} <a href="#/account">${t('invoices.companyLink')}</a></p>`)}
    ${items.length > 0 && html`
      <table class="invoices">
        <caption class="visually-hidden">${t('invoices.title')}</caption>
        <thead><tr>
          <th scope="col">${t('invoices.number')}</th><th scope="col">${t('invoices.date')}</th>
          <th scope="col" class="number">${t('invoices.amount')}</th><th scope="col">${t('invoices.status')}</th>
          <th scope="col">${t('invoices.pdf')}</th>
        </tr></thead>
        <tbody>
          ${items.map((invoice) => html`
            <tr key=${invoice.id}>
              <td>${linkOr(invoice.hosted_invoice_url, t('invoices.open', { number: invoice.number }), invoice.number)}</td>
              <td>${formatDate(invoice.issued_at)}</td>
              <td class="number">${formatMoney(invoice.amount)}${invoice.discount && html`
                <br /><span class="meta">${t('invoices.discount', { discount: formatMoney(invoice.discount) })}</span>`}</td>
              <td>${t(`invoices.status.${invoice.status}`)}</td>
              <td>${linkOr(invoice.pdf_url, t('invoices.pdfOf', { number: invoice.number }), t('invoices.pdf'), '—')}</td>
            </tr>`)}
        </tbody>
      </table>`}
    ${more && html`
      <button type="button" disabled=${busy} onClick=${more}>
        ${busy ? t('common.loading') : t('invoices.more')}
      </button>`}`;
}

/** A link to an invoice's page or PDF; an invoice Stripe has not finalised has neither yet. */
function linkOr(url, label, text, without = text) {
  if (!url) return without;
  return html`<a href=${url} rel="noopener noreferrer" aria-label=${label}>${text}</a>`;
}
