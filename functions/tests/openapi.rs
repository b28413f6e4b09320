//! docs/openapi.yaml states the input rules it can state, so schemathesis (run by
//! scripts/test with every check) refuses anything the API would refuse: these tests
//! keep the rules that live in code and in the contract from drifting apart.

use std::collections::BTreeSet;
use std::path::PathBuf;

use natives_shared::domain::Currency;
use serde_yaml::Value;

fn openapi() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn schema<'a>(openapi: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("a schema reference: {reference}"));
    &openapi["components"]["schemas"][name]
}

#[test]
fn prices_take_exactly_the_currencies_the_code_accepts() {
    let openapi = openapi();
    let listed: BTreeSet<String> =
        openapi["components"]["schemas"]["Money"]["properties"]["currency"]["enum"]
            .as_sequence()
            .expect("Money.currency lists its codes")
            .iter()
            .map(|code| code.as_str().unwrap().to_owned())
            .collect();
    let accepted: BTreeSet<String> = Currency::all().map(str::to_owned).collect();
    assert_eq!(listed, accepted);
    let maximum =
        &openapi["components"]["schemas"]["Money"]["properties"]["amount_minor"]["maximum"];
    assert_eq!(
        maximum.as_i64(),
        Some(natives_shared::domain::Money::MAX_AMOUNT_MINOR)
    );
}

/// Request fields where the empty string is not refused as invalid input: a login with
/// an empty e-mail or password is a wrong login (401), an empty refresh token is one that
/// opens nothing (401, or 204 for logout), an empty password at erasure is a wrong one
/// (403), an empty terms version is not the current one (422).
const EMPTY_IS_AN_ANSWER: &[&str] = &[
    "LoginRequest.email",
    "LoginRequest.password",
    "RefreshRequest.refresh_token",
    "ErasureRequest.password",
    "TermsAcceptanceRequest.version",
];

#[test]
fn every_request_string_states_a_minimum_length_where_empty_is_refused() {
    let openapi = openapi();
    let mut pending: Vec<(String, Value)> = Vec::new();
    for (_, path) in openapi["paths"].as_mapping().unwrap() {
        for (_, operation) in path.as_mapping().unwrap() {
            let body = &operation["requestBody"]["content"]["application/json"]["schema"];
            if let Some(reference) = body["$ref"].as_str() {
                let name = reference.rsplit('/').next().unwrap().to_owned();
                pending.push((name, schema(&openapi, reference).clone()));
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut missing = Vec::new();
    while let Some((name, object)) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for (field, property) in object["properties"].as_mapping().into_iter().flatten() {
            let field = format!("{name}.{}", field.as_str().unwrap());
            if let Some(reference) = property["$ref"].as_str() {
                let nested = reference.rsplit('/').next().unwrap().to_owned();
                pending.push((nested, schema(&openapi, reference).clone()));
                continue;
            }
            let strings: Vec<&Value> = match property["type"].as_str() {
                Some("string") => vec![property],
                Some("array") if property["items"]["type"] == "string" => vec![&property["items"]],
                _ => vec![],
            };
            for string in strings {
                let bounded = string["minLength"].as_u64().is_some_and(|n| n >= 1)
                    || string.get("enum").is_some()
                    || string.get("format").is_some();
                if !bounded && !EMPTY_IS_AN_ANSWER.contains(&field.as_str()) {
                    missing.push(field.clone());
                }
            }
        }
    }
    assert!(seen.contains("RegisterRequest") && seen.contains("GuardianInput"));
    assert!(missing.is_empty(), "no minLength: {missing:?}");
}

/// A string schema of docs/openapi.yaml as a predicate: its pattern and its length
/// bounds (in characters, as JSON Schema counts them).
struct StringSchema {
    name: String,
    pattern: String,
    regex: regex::Regex,
    min: usize,
    max: usize,
}

impl StringSchema {
    fn at(openapi: &Value, path: &[&str]) -> Self {
        let mut schema = openapi;
        for key in path {
            schema = &schema[*key];
        }
        let name = path.join(".");
        let pattern = schema["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} states a pattern"))
            .to_owned();
        assert!(
            pattern.starts_with('^') && pattern.ends_with('$'),
            "{name}: a pattern for the whole value"
        );
        Self {
            regex: regex::Regex::new(&pattern).unwrap(),
            min: schema["minLength"].as_u64().map_or(0, |n| n as usize),
            max: schema["maxLength"]
                .as_u64()
                .map_or(usize::MAX, |n| n as usize),
            name,
            pattern,
        }
    }

    fn allows(&self, value: &str) -> bool {
        let chars = value.chars().count();
        self.regex.is_match(value) && (self.min..=self.max).contains(&chars)
    }

    /// Every string drawn from the pattern itself, and every string drawn from `nearby`
    /// (a looser language of near misses), gets the same answer from the schema and from
    /// the code. The pattern's unbounded repeats are drawn at most three times, so that
    /// what is drawn stays mostly within the length bounds.
    fn agrees_with(&self, nearby: &[&str], accepts: impl Fn(&str) -> bool) {
        use proptest::strategy::Strategy;
        use proptest::test_runner::{Config, TestRunner};

        let inner = &self.pattern[1..self.pattern.len() - 1];
        let bounded = regex::Regex::new(r"([)\]])([*+])").unwrap().replace_all(
            inner,
            |c: &regex::Captures| {
                let repeat = if &c[2] == "*" { "{0,3}" } else { "{1,3}" };
                format!("{}{repeat}", &c[1])
            },
        );
        let mut languages = vec![bounded.as_ref()];
        languages.extend_from_slice(nearby);
        for language in languages {
            let strings = proptest::string::string_regex(language)
                .unwrap_or_else(|e| panic!("{}: {language}: {e}", self.name));
            let mut runner = TestRunner::new(Config {
                cases: 1000,
                failure_persistence: None,
                ..Config::default()
            });
            runner
                .run(&strings.prop_map(|s| s), |value| {
                    proptest::prop_assert_eq!(
                        accepts(&value),
                        self.allows(&value),
                        "{}: the code and the schema disagree about {:?}",
                        self.name,
                        value
                    );
                    Ok(())
                })
                .unwrap();
        }
    }
}

/// The patterns docs/openapi.yaml states for input (so that schemathesis neither sends a
/// value the server refuses as valid nor one it accepts as invalid) accept exactly what
/// the code accepts.
#[test]
fn stated_patterns_accept_exactly_what_the_code_accepts() {
    use natives_functions::conversations::list_messages;
    use natives_functions::idempotency;
    use natives_shared::domain::{AccountId, LanguageTag, MessageId, Sha256Base64, UploadId};
    use natives_shared::http::is_position;

    let openapi = openapi();
    let schemas = ["components", "schemas"];
    let at = |path: &[&str]| StringSchema::at(&openapi, path);

    let language = at(&[&schemas[..], &["LanguageTag"]].concat());
    language.agrees_with(
        &[
            "[A-Za-z0-9 _-]{0,12}",
            "([A-Za-z0-9]{1,9}-){0,7}[A-Za-z0-9]{0,9}",
            "(i|I|x|X|en|zh|sgn)(-[A-Za-z0-9]{1,9}){0,4}",
        ],
        |raw| LanguageTag::parse(raw).is_ok(),
    );
    for tag in [
        "de",
        "en-GB",
        "zh-Hant-TW",
        "es-419",
        "de-CH-1996",
        "sl-rozaj-biske",
        "x-whatever",
        "en-a-bbb-x-a-ccc",
        "zh-yue-HK",
        "hy-Latn-IT-arevela",
        "de-DE-u-co-phonebk",
    ] {
        assert!(language.allows(tag), "{tag}");
    }
    // The grandfathered tags RFC 5646 lists, in any letter case, and near misses of them.
    for tag in [
        "art-lojban",
        "cel-gaulish",
        "en-GB-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "no-bok",
        "no-nyn",
        "sgn-BE-FR",
        "sgn-BE-NL",
        "sgn-CH-DE",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ] {
        for variant in [
            tag.to_owned(),
            tag.to_uppercase(),
            tag.to_lowercase(),
            format!("{tag}-x"),
            format!("{tag}x"),
            tag.replacen('-', "", 1),
        ] {
            assert_eq!(
                language.allows(&variant),
                LanguageTag::parse(&variant).is_ok(),
                "{variant}"
            );
        }
        assert!(language.allows(tag), "{tag}");
    }

    let id = at(&[&schemas[..], &["Id"]].concat());
    let near_ids = ["[0-9A-Za-z]{24,28}", "[0-9A-Z]{26}"];
    id.agrees_with(&near_ids, |raw| AccountId::parse(raw).is_ok());
    id.agrees_with(&near_ids, |raw| UploadId::parse(raw).is_ok());
    at(&[&schemas[..], &["InvitationCode"]].concat()).agrees_with(
        &[
            "[0-9A-Z]{26}\\.[0-9A-Z]{26}\\.[A-Za-z0-9_-]{43}",
            "[0-9A-Z]{26}\\.[0-9A-Z]{26}\\.[A-Za-z0-9+/_=-]{41,45}",
        ],
        |raw| natives_shared::auth::InvitationCode::parse(raw).is_some(),
    );
    at(&[&schemas[..], &["MessageIdValue"]].concat())
        .agrees_with(&["[0-9A-Za-z]{50,54}", "[0-9A-Z]{52}"], |raw| {
            MessageId::parse(raw).is_ok()
        });
    at(&[
        &schemas[..],
        &["VoiceUploadRequest", "properties", "sha256"],
    ]
    .concat())
    .agrees_with(
        &[
            "[A-Za-z0-9+/=]{42,46}",
            "[A-Za-z0-9+/]{43}=",
            " ?[A-Za-z0-9+/]{43}= ?",
        ],
        |raw| Sha256Base64::parse(raw).is_ok(),
    );

    let parameters = ["components", "parameters"];
    at(&[&parameters[..], &["IdempotencyKey", "schema"]].concat())
        .agrees_with(&["[\\x00-\\x7F]{0,8}", "[!-~]{250,260}", ".{1,8}"], |raw| {
            idempotency::is_key(raw)
        });
    at(&[&parameters[..], &["PositionCursor", "schema"]].concat()).agrees_with(
        &[
            "[A-Za-z0-9#:._ /+-]{0,12}",
            "[A-Za-z0-9#:.-]{78,82}",
            ".{0,8}",
        ],
        is_position,
    );
    let ulid_cursor = at(&[&parameters[..], &["UlidCursor", "schema"]].concat());
    let near_ulids = ["[0-9A-Za-z]{0,28}", "[0-9A-Z]{26}"];
    // Empty is no cursor (the first page).
    ulid_cursor.agrees_with(&near_ulids, |raw| {
        raw.is_empty() || list_messages::is_cursor(raw)
    });
    ulid_cursor.agrees_with(&near_ulids, |raw| {
        raw.is_empty() || natives_shared::store::is_invitation_cursor(raw)
    });
}

/// Every operation of docs/openapi.yaml is a route of the function table and every route
/// of the table is an operation there: a route added without its contract, or a
/// contract left behind by a route removed, fails here.
#[test]
fn every_documented_operation_is_a_route_and_every_route_is_documented() {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let openapi = openapi();
    let documented: BTreeSet<(String, String)> = openapi["paths"]
        .as_mapping()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            let path = path.as_str().expect("a path").to_owned();
            item.as_mapping()
                .expect("a path item")
                .keys()
                .filter_map(|key| key.as_str())
                .filter(|key| METHODS.contains(key))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = natives_functions::FUNCTIONS
        .iter()
        .filter_map(|spec| spec.route())
        .map(|(method, path)| (method.to_owned(), path.to_owned()))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routes of the function table missing from docs/openapi.yaml: {undocumented:?}; \
         operations of docs/openapi.yaml no row serves: {unrouted:?}"
    );
}
