//! Corporate clients: a company set and read back, each refused field named, partner
//! managers (and nobody else, not even admins) listing companies page by page with their
//! purchases and invoices and every read audited, and erasure keeping the legal identity while dropping the contact.

use natives_shared::domain::{AccountId, Invoice, InvoiceStatus, Money, Role, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

pub(crate) fn company(legal_name: &str) -> Value {
    json!({
        "legal_name": legal_name,
        "registration_number": "HRB 12345",
        "registered_on": "2001-02-03",
        "legal_address": {"line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117", "country": "de"},
        "postal_address": {"line1": "Postfach 1234", "line2": "c/o Buchhaltung", "city": "Berlin", "postal_code": "10001", "country": "DE"},
        "tax_id": {"type": "eu_vat", "value": "DE 123 456 789"},
        "contact_phone": "+49 30 1234567",
        "representative": {"name": "Ada Lovelace", "position": "Director"}
    })
}

impl TestApp {
    pub(crate) async fn set_company(&self, user: &TestUser, body: &Value) -> reqwest::Response {
        self.send(
            Method::PUT,
            "/v1/me/company",
            Some(&user.access_token),
            Some(body),
        )
        .await
    }

    /// A user who holds `roles`, logged in again so that the token carries them.
    pub(crate) async fn staff_logged_in(&self, email: &str, roles: &[Role]) -> TestUser {
        let user = self.staff(email, roles).await;
        let tokens = self.logged_in(email, &user.password).await;
        TestUser {
            access_token: tokens["access_token"].as_str().unwrap().to_owned(),
            ..user
        }
    }

    async fn audit_of(&self, moderator: &TestUser) -> Vec<Value> {
        self.list_items("/v1/moderation/audit?limit=100", &moderator.access_token)
            .await
    }
}

#[tokio::test]
async fn a_company_is_set_and_read_back_and_the_account_becomes_a_corporate_client() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;

    let before = app
        .send(Method::GET, "/v1/me/company", Some(&ada.access_token), None)
        .await;
    assert_problem(before, 404, "not_found").await;
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(me["corporate"], false);

    let response = app
        .set_company(&ada, &company("Sprachschule Berlin GmbH"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let stored: Value = response.json().await.unwrap();
    // Parsed once: the country upper case, the VAT number without spaces, the phone E.164.
    assert_eq!(stored["legal_address"]["country"], "DE");
    assert_eq!(
        stored["tax_id"],
        json!({"type": "eu_vat", "value": "DE123456789"})
    );
    assert_eq!(stored["contact_phone"], "+49301234567");
    assert_eq!(stored["postal_address"]["line2"], "c/o Buchhaltung");
    assert_eq!(stored["registered_on"], "2001-02-03");

    let read: Value = app
        .send(Method::GET, "/v1/me/company", Some(&ada.access_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read, stored);
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(me["corporate"], true);

    // Replaced as a whole, the tax ID left out.
    let mut renamed = company("Sprachschule Berlin AG");
    renamed.as_object_mut().unwrap().remove("tax_id");
    let response = app.set_company(&ada, &renamed).await;
    assert_eq!(response.status(), StatusCode::OK);
    let read: Value = app
        .send(Method::GET, "/v1/me/company", Some(&ada.access_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["legal_name"], "Sprachschule Berlin AG");
    assert_eq!(read["tax_id"], Value::Null);

    // Another account has no company of its own.
    let bob = app.registered_user("bob@example.com").await;
    let response = app
        .send(Method::GET, "/v1/me/company", Some(&bob.access_token), None)
        .await;
    assert_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn each_refused_field_is_named_and_nothing_is_stored() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let tomorrow = (app.stack.app.now().date() + time::Duration::days(1)).to_string();
    let cases: Vec<(&str, Value)> = vec![
        (
            "tax_id",
            json!({"tax_id": {"type": "eu_vat", "value": "DE12345678"}}),
        ),
        (
            "tax_id",
            json!({"tax_id": {"type": "eu_vat", "value": "GR123456789"}}),
        ),
        (
            "tax_id",
            json!({"tax_id": {"type": "gb_vat", "value": "DE123456789"}}),
        ),
        (
            "tax_id",
            json!({"tax_id": {"type": "vat", "value": "DE123456789"}}),
        ),
        ("registered_on", json!({"registered_on": tomorrow})),
        ("registered_on", json!({"registered_on": "2001-02-30"})),
        ("contact_phone", json!({"contact_phone": "030 1234567"})),
        ("contact_phone", json!({"contact_phone": "+999 123456789"})),
        ("legal_name", json!({"legal_name": "  "})),
        ("registration_number", json!({"registration_number": ""})),
        (
            "legal_address.country",
            json!({"legal_address": {"line1": "x", "city": "Berlin", "postal_code": "1", "country": "XX"}}),
        ),
        (
            "postal_address.postal_code",
            json!({"postal_address": {"line1": "x", "city": "Berlin", "postal_code": "", "country": "DE"}}),
        ),
        (
            "representative.name",
            json!({"representative": {"name": "", "position": "Director"}}),
        ),
        (
            "representative.position",
            json!({"representative": {"name": "Ada", "position": "x".repeat(101)}}),
        ),
    ];
    for (field, change) in cases {
        let mut body = company("Sprachschule Berlin GmbH");
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let problem =
            assert_problem(app.set_company(&ada, &body).await, 422, "validation_failed").await;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec![field], "{change}");
    }
    // Unknown fields are refused too.
    let mut body = company("Sprachschule Berlin GmbH");
    body["corporate"] = json!(true);
    let response = app.set_company(&ada, &body).await;
    assert_eq!(response.status().as_u16(), 422);

    let response = app
        .send(Method::GET, "/v1/me/company", Some(&ada.access_token), None)
        .await;
    assert_problem(response, 404, "not_found").await;
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(me["corporate"], false);
}

#[tokio::test]
async fn only_partner_managers_list_companies_page_by_page_and_every_read_is_audited() {
    let app = spawn_app().await;
    let mut owners = Vec::new();
    for n in 0..3 {
        let owner = app.registered_user(&format!("owner{n}@example.com")).await;
        let response = app
            .set_company(&owner, &company(&format!("Firma {n} GmbH")))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        owners.push(owner);
    }
    // One of them bought credits: the purchase is listed with its company, and so is the
    // invoice Stripe's events recorded for it.
    app.open_checkout(&owners[1], "starter").await;
    let invoice = Invoice {
        id: "in_company_list".into(),
        account_id: AccountId::parse(&owners[1].id).unwrap(),
        number: "NC-0001".into(),
        purchase_id: "purchase-of-owner-1".into(),
        amount: Money::parse(900, "EUR").unwrap(),
        discount: Some(Money::parse(100, "EUR").unwrap()),
        status: InvoiceStatus::Paid,
        hosted_invoice_url: "https://invoice.stripe.com/i/in_company_list".into(),
        pdf_url: "https://invoice.stripe.com/i/in_company_list/pdf".into(),
        issued_at: Timestamp::parse("2026-01-02T03:04:05Z").unwrap(),
        billed_to: None,
    };
    app.stack.app.store.record_invoice(&invoice).await.unwrap();

    let user = app.registered_user("user@example.com").await;
    let admin = app.admin_user("admin@example.com").await;
    let manager = app
        .staff_logged_in("manager@example.com", &[Role::PartnerManager])
        .await;
    let moderator = app
        .staff_logged_in("moderator@example.com", &[Role::Moderator])
        .await;
    for caller in [&user, &admin] {
        let response = app
            .send(
                Method::GET,
                "/v1/admin/companies",
                Some(&caller.access_token),
                None,
            )
            .await;
        assert_problem(response, 403, "forbidden").await;
    }
    // Refused before anything was read: nothing audited.
    assert!(
        app.audit_of(&moderator)
            .await
            .iter()
            .all(|entry| entry["action"] != "company.read")
    );

    let mut listed = Vec::new();
    let mut path = "/v1/admin/companies?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let response = app
            .send(Method::GET, &path, Some(&manager.access_token), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        pages += 1;
        listed.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/admin/companies?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert!(pages >= 2, "two to a page");
    let mut ids: Vec<&str> = listed
        .iter()
        .map(|c| c["account_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = owners.iter().map(|o| o.id.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected, "every company once");
    for entry in &listed {
        let owner = entry["account_id"].as_str().unwrap();
        let purchases = entry["purchases"].as_array().unwrap();
        let invoices = entry["invoices"].as_array().unwrap();
        if owner == owners[1].id {
            assert_eq!(purchases.len(), 1);
            assert_eq!(purchases[0]["tariff_id"], "starter");
            assert_eq!(
                invoices,
                &[json!({
                    "id": "in_company_list",
                    "number": "NC-0001",
                    "purchase_id": "purchase-of-owner-1",
                    "amount": {"amount_minor": 900, "currency": "EUR"},
                    "discount": {"amount_minor": 100, "currency": "EUR"},
                    "status": "paid",
                    "hosted_invoice_url": "https://invoice.stripe.com/i/in_company_list",
                    "pdf_url": "https://invoice.stripe.com/i/in_company_list/pdf",
                    "issued_at": "2026-01-02T03:04:05.000Z",
                })]
            );
        } else {
            assert!(purchases.is_empty());
            assert!(invoices.is_empty());
        }
        assert_eq!(entry["company"]["contact_phone"], "+49301234567");
    }

    // Every company read is in the audit log, naming the reader and the company.
    let audit = app.audit_of(&moderator).await;
    for owner in &owners {
        let reads: Vec<&Value> = audit
            .iter()
            .filter(|e| {
                e["action"] == "company.read" && e["target"] == format!("company:{}", owner.id)
            })
            .collect();
        assert_eq!(reads.len(), 1, "{}", owner.id);
        assert_eq!(reads[0]["actor_id"], manager.id.as_str());
    }
    // …and the owner's export shows that its company was read, by which role.
    let export = app.export(&owners[0]).await;
    let actions = export["sections"]["staff_actions_about_me"]
        .as_array()
        .unwrap();
    assert!(
        actions
            .iter()
            .any(|a| a["action"] == "company.read" && a["acted_as"] == "partner_manager"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn erasure_keeps_the_legal_identity_and_drops_the_contact_and_the_export_shows_the_company() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    assert_eq!(
        app.set_company(&ada, &company("Sprachschule Berlin GmbH"))
            .await
            .status(),
        StatusCode::OK
    );

    let export = app.export(&ada).await;
    let sections = export["sections"].as_object().unwrap();
    let exported = sections["company"].as_array().unwrap();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0]["legal_name"], "Sprachschule Berlin GmbH");
    assert_eq!(exported[0]["representative"]["name"], "Ada Lovelace");
    assert!(
        exported[0]["retention"]
            .as_str()
            .unwrap()
            .contains("legal retention period")
    );

    let response = app.erase(&ada.access_token, &ada.password).await;
    assert!(response.status().is_success(), "{}", response.status());

    let manager = app
        .staff_logged_in("manager@example.com", &[Role::PartnerManager])
        .await;
    let listed = app
        .list_items("/v1/admin/companies", &manager.access_token)
        .await;
    assert_eq!(listed.len(), 1);
    let kept = &listed[0]["company"];
    assert_eq!(listed[0]["account_id"], ada.id.as_str());
    assert_eq!(kept["legal_name"], "Sprachschule Berlin GmbH");
    assert_eq!(kept["registration_number"], "HRB 12345");
    assert_eq!(kept["tax_id"]["value"], "DE123456789");
    assert_eq!(kept["legal_address"]["line1"], "Unter den Linden 1");
    assert_eq!(kept["contact_phone"], Value::Null);
    assert_eq!(kept["representative"], Value::Null);
}
