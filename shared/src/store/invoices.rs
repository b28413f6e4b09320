//! Invoices of corporate clients (recorded from Stripe's invoice events or issued by the
//! local checkout page) and the local stack's promotion codes.

use super::{
    Store, StoreError, condition_failed, done_unless_failed, from_item, keys, to_item, value,
};
use crate::domain::{AccountId, Invoice, LocalPromotionCode, PromotionCodeText};

/// A page of invoices, newest first; the cursor is the last one's place.
pub type InvoicePage = (Vec<Invoice>, Option<String>);

/// Whether `raw` is an invoice cursor: the place (issue time and id) of an invoice.
pub fn is_invoice_cursor(raw: &str) -> bool {
    raw.len() <= 200
        && raw
            .split_once('#')
            .is_some_and(|(at, id)| crate::domain::Timestamp::parse(at).is_ok() && !id.is_empty())
}

impl Store {
    /// An account's invoices, newest first, `limit` at a time, below `cursor`.
    pub async fn invoices_of(
        &self,
        account_id: &AccountId,
        limit: Option<u16>,
        cursor: Option<&str>,
    ) -> Result<InvoicePage, StoreError> {
        let partition = keys::account(account_id).pk;
        let before = cursor
            .filter(|c| is_invoice_cursor(c))
            .map(|c| format!("{}{c}", keys::INVOICE_PREFIX));
        let (items, more) = self
            .query_prefix(&partition, keys::INVOICE_PREFIX, false, limit, before)
            .await?;
        let invoices: Vec<Invoice> = items.into_iter().map(from_item).collect::<Result<_, _>>()?;
        let next = more
            .then(|| invoices.last().map(|i| format!("{}#{}", i.issued_at, i.id)))
            .flatten();
        Ok((invoices, next))
    }

    /// One of an account's invoices, by its id (an account has few: its pages are read
    /// until it is found).
    pub async fn invoice(
        &self,
        account_id: &AccountId,
        invoice_id: &str,
    ) -> Result<Option<Invoice>, StoreError> {
        let mut cursor = None;
        loop {
            let (invoices, next) = self
                .invoices_of(account_id, Some(100), cursor.as_deref())
                .await?;
            if let Some(invoice) = invoices.into_iter().find(|i| i.id == invoice_id) {
                return Ok(Some(invoice));
            }
            match next {
                Some(next) => cursor = Some(next),
                None => return Ok(None),
            }
        }
    }

    /// Records an invoice, or moves a recorded one forward (finalized, then paid): one
    /// conditional put, so a repeated or late event changes nothing.
    pub async fn record_invoice(&self, invoice: &Invoice) -> Result<(), StoreError> {
        let key = keys::invoice(&invoice.account_id, invoice.issued_at, &invoice.id);
        let behind: Vec<String> = invoice
            .status
            .behind()
            .iter()
            .enumerate()
            .map(|(i, _)| format!("#status = :behind{i}"))
            .collect();
        let mut condition = "attribute_not_exists(pk)".to_owned();
        if !behind.is_empty() {
            condition = format!("{condition} OR {}", behind.join(" OR "));
        }
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(invoice, key)))
            .condition_expression(condition);
        if !behind.is_empty() {
            request = request.expression_attribute_names("#status", "status");
        }
        for (i, status) in invoice.status.behind().iter().enumerate() {
            request = request.expression_attribute_values(format!(":behind{i}"), value(status));
        }
        done_unless_failed(request.send().await)
    }

    /// Adds a local promotion code; `false` when the code exists already.
    pub async fn add_promotion_code(&self, code: &LocalPromotionCode) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(
                code,
                keys::promotion_code(code.code.as_ref()),
            )))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if condition_failed(&error) => Ok(false),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    pub async fn promotion_code(
        &self,
        code: &PromotionCodeText,
    ) -> Result<Option<LocalPromotionCode>, StoreError> {
        self.get_as(keys::promotion_code(code.as_ref())).await
    }
}
