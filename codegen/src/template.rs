//! The function resources of `infra/template.yaml`, one `AWS::Serverless::Function` per
//! row of the function table: its binary's build, its `Handler:` (the row's name, which
//! selects the row in the binary), its trigger, its profile (`Deploy`: memory, timeout,
//! throttling, its own variables), the variables its permissions bring, and one IAM
//! statement per permission. Everything else in the template is written by hand.

use std::fmt::Write;

use natives_functions::FUNCTIONS;
use natives_functions::spec::{
    Bucket, Deploy, FunctionSpec, Permission, Resource, STREAM_BATCH_SIZE, Trigger, stream_prefix,
};
use natives_shared::config::Secret;

/// Every function's resource, in the table's order, a blank line between two.
pub fn function_resources() -> String {
    FUNCTIONS
        .iter()
        .map(function_resource)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The template parameter that names a secret's SSM parameter.
pub fn secret_parameter(secret: Secret) -> &'static str {
    match secret {
        Secret::JwtPrivateKey => "JwtPrivateKeyParameter",
        Secret::StripeSecretKey => "StripeSecretKeyParameter",
        Secret::StripeWebhookSecret => "StripeWebhookSecretParameter",
    }
}

/// The template resource of a bucket.
pub fn bucket_resource(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Staging => "StagingBucket",
        Bucket::Archive => "ArchiveBucket",
    }
}

/// What a limited function's template parameters are named after: its resource's name
/// without `Function` (`Login` → `LoginRateLimit`, `LoginBurstLimit`,
/// `LoginReservedConcurrency`).
pub fn parameter_prefix(spec: &FunctionSpec) -> String {
    let id = spec.logical_id();
    id.strip_suffix("Function").unwrap_or(&id).to_owned()
}

/// A variable's value in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// A template parameter (`Ref:`).
    Parameter(&'static str),
    Text(&'static str),
}

/// The variables a permission brings: a secret, the name of its SSM parameter and the
/// settings that go with using it; the e-mail identity, delivery through SES from the
/// configured sender.
pub fn permission_variables(resource: Resource) -> Vec<(&'static str, Setting)> {
    use Setting::{Parameter, Text};
    let Resource::Parameter(secret) = resource else {
        return match resource {
            Resource::EmailIdentity => vec![
                ("EMAIL_DELIVERY", Text("ses")),
                ("EMAIL_SENDER", Parameter("EmailSender")),
            ],
            _ => vec![],
        };
    };
    let mut variables = vec![(
        secret.parameter_variable(),
        Parameter(secret_parameter(secret)),
    )];
    match secret {
        // The key id tokens are signed under goes with the signing key.
        Secret::JwtPrivateKey => variables.push(("JWT_SIGNING_KID", Parameter("JwtSigningKeyId"))),
        // The Stripe secret key opens Checkout Sessions: Stripe's API, and where Checkout
        // sends the buyer back.
        Secret::StripeSecretKey => variables.extend([
            ("STRIPE_API_BASE", Parameter("StripeApiBase")),
            ("CHECKOUT_SUCCESS_URL", Parameter("CheckoutSuccessUrl")),
            ("CHECKOUT_CANCEL_URL", Parameter("CheckoutCancelUrl")),
        ]),
        Secret::StripeWebhookSecret => {}
    }
    variables
}

/// A function's own variables: its profile's, then those its permissions bring.
pub fn environment(spec: &FunctionSpec) -> Vec<(&'static str, Setting)> {
    spec.deploy
        .environment
        .iter()
        .map(|&(name, value)| (name, Setting::Text(value)))
        .chain(
            spec.permissions
                .iter()
                .flat_map(|permission| permission_variables(permission.resource)),
        )
        .collect()
}

/// How the template names a permission's resource (a line after `- `).
pub fn resource_arn(resource: Resource) -> String {
    match resource {
        Resource::Table => "Fn::GetAtt: [Table, Arn]".into(),
        Resource::Index(name) => format!("Fn::Sub: \"${{Table.Arn}}/index/{name}\""),
        Resource::TableStream => "Fn::GetAtt: [Table, StreamArn]".into(),
        Resource::EmailIdentity => "Fn::Sub: \"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${EmailSenderIdentity}\"".into(),
        Resource::Objects { bucket, prefix } => format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:s3:::${{{}}}/{prefix}*\"",
            bucket_resource(bucket)
        ),
        Resource::Parameter(secret) => format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter${{{}}}\"",
            secret_parameter(secret)
        ),
    }
}

fn function_resource(spec: &FunctionSpec) -> String {
    let mut out = String::new();
    let line = |out: &mut String, indent: usize, text: &str| {
        let _ = writeln!(out, "{:indent$}{text}", "");
    };
    line(&mut out, 2, &format!("{}:", spec.logical_id()));
    line(&mut out, 4, "Type: AWS::Serverless::Function");
    line(&mut out, 4, "Metadata:");
    line(&mut out, 6, "BuildMethod: rust-cargolambda");
    line(&mut out, 6, "BuildProperties:");
    line(&mut out, 8, &format!("Binary: {}", spec.binary.name()));
    line(&mut out, 4, "Properties:");
    line(&mut out, 6, "CodeUri: ../functions");
    line(&mut out, 6, &format!("Handler: {}", spec.name));
    let deploy = spec.deploy;
    if deploy.memory_mb != Deploy::DEFAULT.memory_mb {
        line(&mut out, 6, &format!("MemorySize: {}", deploy.memory_mb));
    }
    if deploy.timeout_seconds != Deploy::DEFAULT.timeout_seconds {
        line(&mut out, 6, &format!("Timeout: {}", deploy.timeout_seconds));
    }
    let prefix = parameter_prefix(spec);
    if deploy.limited {
        line(&mut out, 6, "ReservedConcurrentExecutions:");
        line(&mut out, 8, &format!("Ref: {prefix}ReservedConcurrency"));
    }
    let variables = environment(spec);
    if !variables.is_empty() {
        line(&mut out, 6, "Environment:");
        line(&mut out, 8, "Variables:");
        for (name, setting) in variables {
            match setting {
                Setting::Parameter(parameter) => {
                    line(&mut out, 10, &format!("{name}:"));
                    line(&mut out, 12, &format!("Ref: {parameter}"));
                }
                Setting::Text(text) => line(&mut out, 10, &format!("{name}: {}", quoted(text))),
            }
        }
    }
    line(&mut out, 6, "Events:");
    out.push_str(&event(spec, &prefix));
    if spec.permissions.is_empty() {
        line(&mut out, 6, "Policies: []");
    } else {
        line(&mut out, 6, "Policies:");
        line(&mut out, 8, "- Version: \"2012-10-17\"");
        line(&mut out, 10, "Statement:");
        for permission in spec.permissions {
            out.push_str(&statement(permission));
        }
    }
    out
}

/// The function's one trigger, under `Events:`.
fn event(spec: &FunctionSpec, prefix: &str) -> String {
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut line = |indent: usize, text: String| lines.push((indent, text));
    match spec.trigger {
        Trigger::Http { method, path } => {
            line(8, "Api:".into());
            line(10, "Type: HttpApi".into());
            line(10, "Properties:".into());
            line(12, "ApiId:".into());
            line(14, "Ref: HttpApi".into());
            line(12, format!("Path: {path}"));
            line(12, format!("Method: {method}"));
            if spec.deploy.limited {
                line(12, "RouteSettings:".into());
                line(14, "ThrottlingRateLimit:".into());
                line(16, format!("Ref: {prefix}RateLimit"));
                line(14, "ThrottlingBurstLimit:".into());
                line(16, format!("Ref: {prefix}BurstLimit"));
            }
        }
        Trigger::TableStream { new_items } => {
            line(8, "Stream:".into());
            line(10, "Type: DynamoDB".into());
            line(10, "Properties:".into());
            line(12, "Stream:".into());
            line(14, "Fn::GetAtt: [Table, StreamArn]".into());
            line(12, "StartingPosition: TRIM_HORIZON".into());
            line(12, format!("BatchSize: {STREAM_BATCH_SIZE}"));
            line(12, "MaximumBatchingWindowInSeconds: 1".into());
            line(12, "FilterCriteria:".into());
            line(14, "Filters:".into());
            for pattern in new_items {
                line(
                    16,
                    format!(
                        "- Pattern: '{{\"eventName\": [\"INSERT\"], \"dynamodb\": {{\"Keys\": {{\"pk\": {{\"S\": [{{\"prefix\": \"{}\"}}]}}}}}}}}'",
                        stream_prefix(pattern)
                    ),
                );
            }
        }
        Trigger::Schedule { expression } => {
            line(8, "Schedule:".into());
            line(10, "Type: ScheduleV2".into());
            line(10, "Properties:".into());
            line(12, format!("ScheduleExpression: {}", quoted(expression)));
        }
        Trigger::ObjectCreated { bucket, prefix } => {
            line(8, "Upload:".into());
            line(10, "Type: S3".into());
            line(10, "Properties:".into());
            line(12, "Bucket:".into());
            line(14, format!("Ref: {}", bucket_resource(bucket)));
            line(12, "Events: s3:ObjectCreated:*".into());
            line(12, "Filter:".into());
            line(14, "S3Key:".into());
            line(16, "Rules:".into());
            line(18, "- Name: prefix".into());
            line(20, format!("Value: {}", quoted(prefix)));
        }
    }
    lines
        .into_iter()
        .map(|(indent, text)| format!("{:indent$}{text}\n", ""))
        .collect()
}

/// One statement: these actions on this resource, on a table or an index only for the
/// row's partition keys (IAM compares every key a request names with them).
fn statement(permission: &Permission) -> String {
    let mut out = String::new();
    let mut line = |indent: usize, text: &str| {
        let _ = writeln!(out, "{:indent$}{text}", "");
    };
    line(12, "- Effect: Allow");
    line(14, "Action:");
    for action in permission.actions {
        line(16, &format!("- {action}"));
    }
    line(14, "Resource:");
    line(16, &format!("- {}", resource_arn(permission.resource)));
    if !permission.leading_keys.is_empty() {
        line(14, "Condition:");
        line(16, "ForAllValues:StringLike:");
        line(18, "dynamodb:LeadingKeys:");
        for pattern in permission.leading_keys {
            line(20, &format!("- {}", quoted(pattern)));
        }
    }
    out
}

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
