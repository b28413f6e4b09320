//! The function resources of `infra/template.yaml`, one `AWS::Serverless::Function` per
//! row of the function table: its binary's build, its `Handler:` (the row's name, which
//! selects the row in the binary), its trigger, its profile (`Deploy`: memory, timeout,
//! throttling, its own variables), the variables its permissions bring, and one IAM
//! statement per permission; for a route of the WebSocket API, its route, integration and
//! the permission that lets API Gateway invoke it. Everything else in the template is
//! written by hand.

use std::fmt::Write;

use natives_functions::FUNCTIONS;
use natives_functions::spec::{
    Bucket, Deploy, FunctionSpec, Permission, Resource, STREAM_BATCH_SIZE, Trigger,
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
        Secret::EmailCodeKey => "EmailCodeKeyParameter",
        Secret::GoogleClientSecret => "GoogleClientSecretParameter",
        Secret::FacebookClientSecret => "FacebookClientSecretParameter",
        Secret::VkClientSecret => "VkClientSecretParameter",
        Secret::CdnSigningKey => "CdnSigningKeyParameter",
    }
}

/// The template resource of a bucket.
pub fn bucket_resource(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Staging => "StagingBucket",
        Bucket::Archive => "ArchiveBucket",
        Bucket::Photos => "PhotosBucket",
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
    /// A string with references (`Fn::Sub:`).
    Sub(&'static str),
}

/// The WebSocket API (hand-written in the template) and the stage its connections are
/// on: the Management API's endpoint and the connections' ARNs name both.
pub const LIVE_API: &str = "LiveApi";
pub const LIVE_STAGE: &str = "live";

/// The Management API's endpoint for the WebSocket API's connections: what the SDK's
/// client posts to (`aws-config` reads `AWS_ENDPOINT_URL_<service>`).
pub const LIVE_ENDPOINT_VARIABLE: &str = "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI";
const LIVE_ENDPOINT: &str = "https://${LiveApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/live";

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
            Resource::Connections => vec![(LIVE_ENDPOINT_VARIABLE, Setting::Sub(LIVE_ENDPOINT))],
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
        Secret::StripeWebhookSecret | Secret::EmailCodeKey => {}
        // A provider's secret goes with its client id and the redirect URIs clients may
        // use; a provider whose parameters are empty is not offered.
        Secret::GoogleClientSecret => variables.extend([
            ("GOOGLE_CLIENT_ID", Parameter("GoogleClientId")),
            ("SOCIAL_REDIRECT_URIS", Parameter("SocialRedirectUris")),
        ]),
        Secret::FacebookClientSecret => variables.extend([
            ("FACEBOOK_CLIENT_ID", Parameter("FacebookClientId")),
            ("SOCIAL_REDIRECT_URIS", Parameter("SocialRedirectUris")),
        ]),
        Secret::VkClientSecret => variables.extend([
            ("VK_CLIENT_ID", Parameter("VkClientId")),
            ("SOCIAL_REDIRECT_URIS", Parameter("SocialRedirectUris")),
        ]),
        // The signing key goes with the id of its public half in the trusted key group.
        Secret::CdnSigningKey => {
            variables.push(("CDN_KEY_PAIR_ID", Parameter("ArchiveSigningPublicKey")))
        }
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
        .fold(Vec::new(), |mut variables, (name, value)| {
            // Settings shared by several permissions (the social redirect URIs) once.
            if !variables.iter().any(|(seen, _)| *seen == name) {
                variables.push((name, value));
            }
            variables
        })
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
        Resource::Bucket(bucket) => format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:s3:::${{{}}}\"",
            bucket_resource(bucket)
        ),
        Resource::Parameter(secret) => format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter${{{}}}\"",
            secret_parameter(secret)
        ),
        Resource::Connections => format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{LIVE_API}}}/{LIVE_STAGE}/*/@connections/*\""
        ),
    }
}

fn function_resource(spec: &FunctionSpec) -> String {
    let mut text = function(spec);
    if let Trigger::WebSocket { route } = spec.trigger {
        text.push('\n');
        text.push_str(&websocket_route(spec, route));
    }
    text
}

/// The function's own resource.
fn function(spec: &FunctionSpec) -> String {
    let mut yaml = Yaml::default();
    yaml.line(2, format!("{}:", spec.logical_id()));
    yaml.line(4, "Type: AWS::Serverless::Function");
    yaml.line(4, "Metadata:");
    yaml.line(6, "BuildMethod: rust-cargolambda");
    yaml.line(6, "BuildProperties:");
    yaml.line(8, format!("Binary: {}", spec.binary.name()));
    yaml.line(4, "Properties:");
    yaml.line(6, "CodeUri: ../functions");
    yaml.line(6, format!("Handler: {}", spec.name));
    let deploy = spec.deploy;
    if deploy.memory_mb != Deploy::DEFAULT.memory_mb {
        yaml.line(6, format!("MemorySize: {}", deploy.memory_mb));
    }
    if deploy.timeout_seconds != Deploy::DEFAULT.timeout_seconds {
        yaml.line(6, format!("Timeout: {}", deploy.timeout_seconds));
    }
    let prefix = parameter_prefix(spec);
    if deploy.limited {
        yaml.line(6, "ReservedConcurrentExecutions:");
        yaml.line(8, format!("Ref: {prefix}ReservedConcurrency"));
    }
    let variables = environment(spec);
    if !variables.is_empty() {
        yaml.line(6, "Environment:");
        yaml.line(8, "Variables:");
        for (name, setting) in variables {
            match setting {
                Setting::Parameter(parameter) => {
                    yaml.line(10, format!("{name}:"));
                    yaml.line(12, format!("Ref: {parameter}"));
                }
                Setting::Text(text) => yaml.line(10, format!("{name}: {}", quoted(text))),
                Setting::Sub(text) => {
                    yaml.line(10, format!("{name}:"));
                    yaml.line(12, format!("Fn::Sub: {}", quoted(text)));
                }
            }
        }
    }
    // A WebSocket route invokes its function through an integration of its own (below),
    // not through an event SAM knows.
    if spec.websocket_route().is_none() {
        yaml.line(6, "Events:");
        event(&mut yaml, spec, &prefix);
    }
    if spec.permissions.is_empty() {
        yaml.line(6, "Policies: []");
    } else {
        yaml.line(6, "Policies:");
        yaml.line(8, "- Version: \"2012-10-17\"");
        yaml.line(10, "Statement:");
        for permission in spec.permissions {
            statement(&mut yaml, permission);
        }
    }
    yaml.text
}

/// The function's one trigger, under `Events:`.
fn event(yaml: &mut Yaml, spec: &FunctionSpec, prefix: &str) {
    match spec.trigger {
        Trigger::Http { method, path } => {
            yaml.line(8, "Api:");
            yaml.line(10, "Type: HttpApi");
            yaml.line(10, "Properties:");
            yaml.line(12, "ApiId:");
            yaml.line(14, "Ref: HttpApi");
            yaml.line(12, format!("Path: {path}"));
            yaml.line(12, format!("Method: {method}"));
            if spec.deploy.limited {
                yaml.line(12, "RouteSettings:");
                yaml.line(14, "ThrottlingRateLimit:");
                yaml.line(16, format!("Ref: {prefix}RateLimit"));
                yaml.line(14, "ThrottlingBurstLimit:");
                yaml.line(16, format!("Ref: {prefix}BurstLimit"));
            }
        }
        Trigger::TableStream { filters } => {
            yaml.line(8, "Stream:");
            yaml.line(10, "Type: DynamoDB");
            yaml.line(10, "Properties:");
            yaml.line(12, "Stream:");
            yaml.line(14, "Fn::GetAtt: [Table, StreamArn]");
            yaml.line(12, "StartingPosition: TRIM_HORIZON");
            yaml.line(12, format!("BatchSize: {STREAM_BATCH_SIZE}"));
            yaml.line(12, "MaximumBatchingWindowInSeconds: 1");
            yaml.line(12, "FilterCriteria:");
            yaml.line(14, "Filters:");
            for filter in filters {
                yaml.line(16, format!("- Pattern: '{}'", filter.pattern()));
            }
        }
        Trigger::WebSocket { .. } => {}
        Trigger::Schedule { expression } => {
            yaml.line(8, "Schedule:");
            yaml.line(10, "Type: ScheduleV2");
            yaml.line(10, "Properties:");
            yaml.line(12, format!("ScheduleExpression: {}", quoted(expression)));
        }
        Trigger::ObjectCreated { bucket, prefix } => {
            yaml.line(8, "Upload:");
            yaml.line(10, "Type: S3");
            yaml.line(10, "Properties:");
            yaml.line(12, "Bucket:");
            yaml.line(14, format!("Ref: {}", bucket_resource(bucket)));
            yaml.line(12, "Events: s3:ObjectCreated:*");
            yaml.line(12, "Filter:");
            yaml.line(14, "S3Key:");
            yaml.line(16, "Rules:");
            yaml.line(18, "- Name: prefix");
            yaml.line(20, format!("Value: {}", quoted(prefix)));
        }
    }
}

/// The WebSocket API's route of a function: the route, its Lambda proxy integration, the
/// permission that lets API Gateway invoke the function for this route only, and, for
/// `$default` (the frames), the route response that sends the function's answer back to
/// the client.
pub fn websocket_route(spec: &FunctionSpec, route: &str) -> String {
    let id = parameter_prefix(spec);
    let function = spec.logical_id();
    let mut yaml = Yaml::default();
    yaml.line(2, format!("{id}Route:"));
    yaml.line(4, "Type: AWS::ApiGatewayV2::Route");
    yaml.line(4, "Properties:");
    yaml.line(6, "ApiId:");
    yaml.line(8, format!("Ref: {LIVE_API}"));
    yaml.line(6, format!("RouteKey: {}", quoted(route)));
    yaml.line(6, "AuthorizationType: NONE");
    yaml.line(6, "Target:");
    yaml.line(8, format!("Fn::Sub: \"integrations/${{{id}Integration}}\""));
    if route == "$default" {
        yaml.line(6, "RouteResponseSelectionExpression: \"$default\"");
    }
    yaml.line(0, "");
    yaml.line(2, format!("{id}Integration:"));
    yaml.line(4, "Type: AWS::ApiGatewayV2::Integration");
    yaml.line(4, "Properties:");
    yaml.line(6, "ApiId:");
    yaml.line(8, format!("Ref: {LIVE_API}"));
    yaml.line(6, "IntegrationType: AWS_PROXY");
    yaml.line(6, "IntegrationUri:");
    yaml.line(8, format!("Fn::Sub: \"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{function}.Arn}}/invocations\""));
    yaml.line(0, "");
    yaml.line(2, format!("{id}Permission:"));
    yaml.line(4, "Type: AWS::Lambda::Permission");
    yaml.line(4, "Properties:");
    yaml.line(6, "Action: lambda:InvokeFunction");
    yaml.line(6, "FunctionName:");
    yaml.line(8, format!("Ref: {function}"));
    yaml.line(6, "Principal: apigateway.amazonaws.com");
    yaml.line(6, "SourceArn:");
    yaml.line(8, format!("Fn::Sub: \"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{LIVE_API}}}/*/{route}\""));
    if route == "$default" {
        yaml.line(0, "");
        yaml.line(2, format!("{id}RouteResponse:"));
        yaml.line(4, "Type: AWS::ApiGatewayV2::RouteResponse");
        yaml.line(4, "Properties:");
        yaml.line(6, "ApiId:");
        yaml.line(8, format!("Ref: {LIVE_API}"));
        yaml.line(6, "RouteId:");
        yaml.line(8, format!("Ref: {id}Route"));
        yaml.line(6, "RouteResponseKey: \"$default\"");
    }
    yaml.text
}

/// One statement: these actions on this resource, on a table or an index only for the
/// row's partition keys (IAM compares every key a request names with them).
fn statement(yaml: &mut Yaml, permission: &Permission) {
    yaml.line(12, "- Effect: Allow");
    yaml.line(14, "Action:");
    for action in permission.actions {
        yaml.line(16, format!("- {action}"));
    }
    yaml.line(14, "Resource:");
    yaml.line(16, format!("- {}", resource_arn(permission.resource)));
    if !permission.leading_keys.is_empty() {
        yaml.line(14, "Condition:");
        yaml.line(16, "ForAllValues:StringLike:");
        yaml.line(18, "dynamodb:LeadingKeys:");
        for pattern in permission.leading_keys {
            yaml.line(20, format!("- {}", quoted(pattern)));
        }
    }
}

/// The template's text, line by line.
#[derive(Default)]
struct Yaml {
    text: String,
}

impl Yaml {
    fn line(&mut self, indent: usize, text: impl AsRef<str>) {
        let _ = writeln!(self.text, "{:indent$}{}", "", text.as_ref());
    }
}

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// get-me's resource with another trigger, parsed back.
    fn rendered_with(trigger: Trigger) -> serde_yaml::Value {
        let spec = FunctionSpec {
            trigger,
            ..*natives_functions::Function::GetMe.spec()
        };
        let text = format!("Resources:\n{}", function_resource(&spec));
        let parsed: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        parsed["Resources"]["GetMeFunction"]["Properties"]["Events"].clone()
    }

    #[test]
    fn a_schedule_and_a_bucket_event_render_as_sam_reads_them() {
        let events = rendered_with(Trigger::Schedule {
            expression: "rate(1 hour)",
        });
        assert_eq!(events["Schedule"]["Type"], "ScheduleV2");
        assert_eq!(
            events["Schedule"]["Properties"]["ScheduleExpression"],
            "rate(1 hour)"
        );
        let events = rendered_with(Trigger::ObjectCreated {
            bucket: Bucket::Staging,
            prefix: "uploads/",
        });
        let upload = &events["Upload"];
        assert_eq!(upload["Type"], "S3");
        assert_eq!(upload["Properties"]["Bucket"]["Ref"], "StagingBucket");
        assert_eq!(upload["Properties"]["Events"], "s3:ObjectCreated:*");
        let rule = &upload["Properties"]["Filter"]["S3Key"]["Rules"][0];
        assert_eq!(
            (&rule["Name"], &rule["Value"]),
            (&"prefix".into(), &"uploads/".into())
        );
    }

    #[test]
    fn a_string_is_quoted_for_yaml() {
        assert_eq!(quoted("ses"), "\"ses\"");
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
