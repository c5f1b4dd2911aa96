//! `GET /openapi.json`: the description a FastAPI server of the trunk API gives of itself,
//! for the revision and auth scheme this server imitates. Modelled on recorded documents of
//! real servers; it describes the three paths and nothing this server does not do.

use super::ServeAuth;
use crate::api::ApiRevision;
use serde_json::{Value, json};

/// The whole document for one kind of server.
pub(crate) fn document(revision: ApiRevision, auth: ServeAuth) -> Value {
    let security = security(auth);
    let (request_schema, schemas) = match revision {
        ApiRevision::V1 => ("CreateOutboundTrunk", v1_schemas()),
        ApiRevision::V2 => ("CreateOutboundTrunkRequest", v2_schemas()),
    };
    let mut schemas = schemas;
    if let Value::Object(map) = &mut schemas {
        map.insert("HTTPValidationError".into(), http_validation_error());
        map.insert("ValidationError".into(), validation_error());
    }
    let any = json!({"application/json": {"schema": {}}});
    let ok = json!({"description": "Successful Response", "content": any});
    let invalid = json!({
        "description": "Validation Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "trunk API",
            "version": "0.1.0",
            "description": format!(
                "The local trunk API of trunktui serve, speaking revision {revision} with {} auth.",
                auth_name(auth)
            ),
        },
        "paths": {
            "/sip/create-outbound-trunk": {
                "post": {
                    "summary": "Create Outbound Trunk",
                    "operationId": "create_outbound_trunk_sip_create_outbound_trunk_post",
                    "requestBody": {
                        "content": {"application/json": {"schema": {
                            "$ref": format!("#/components/schemas/{request_schema}")
                        }}},
                        "required": true
                    },
                    "responses": {"200": ok, "422": invalid},
                    "security": security,
                }
            },
            "/sip/list": {
                "get": {
                    "summary": "List Trunks",
                    "operationId": "list_trunks_sip_list_get",
                    "responses": {"200": ok},
                    "security": security,
                }
            },
            "/sip/deactivate/{trunk_id}": {
                "delete": {
                    "summary": "Deactivate",
                    "operationId": "deactivate_sip_deactivate__trunk_id__delete",
                    "security": security,
                    "parameters": [{
                        "name": "trunk_id",
                        "in": "path",
                        "required": true,
                        "schema": {"type": "string", "title": "Trunk Id"}
                    }],
                    "responses": {"200": ok, "422": invalid},
                }
            }
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": security_schemes(auth),
        }
    })
}

fn auth_name(auth: ServeAuth) -> &'static str {
    match auth {
        ServeAuth::XApiKey => "x-api-key",
        ServeAuth::Bearer => "Authorization: Bearer",
        ServeAuth::Both => "x-api-key or Authorization: Bearer",
    }
}

/// Each operation's `security`: a list of alternatives, any one of which is enough.
fn security(auth: ServeAuth) -> Value {
    match auth {
        ServeAuth::XApiKey => json!([{"APIKeyHeader": []}]),
        ServeAuth::Bearer => json!([{"HTTPBearer": []}]),
        ServeAuth::Both => json!([{"APIKeyHeader": []}, {"HTTPBearer": []}]),
    }
}

fn security_schemes(auth: ServeAuth) -> Value {
    let api_key = json!({"type": "apiKey", "in": "header", "name": "x-api-key"});
    let bearer = json!({"type": "http", "scheme": "bearer"});
    match auth {
        ServeAuth::XApiKey => json!({"APIKeyHeader": api_key}),
        ServeAuth::Bearer => json!({"HTTPBearer": bearer}),
        ServeAuth::Both => json!({"APIKeyHeader": api_key, "HTTPBearer": bearer}),
    }
}

fn text(title: &str, max: usize) -> Value {
    json!({"type": "string", "maxLength": max, "minLength": 1, "title": title})
}

fn optional(kind: &str, title: &str) -> Value {
    json!({"anyOf": [{"type": kind}, {"type": "null"}], "title": title})
}

fn string_list(title: &str) -> Value {
    json!({"items": {"type": "string"}, "type": "array", "title": title})
}

fn v1_schemas() -> Value {
    json!({
        "CreateOutboundTrunk": {
            "properties": {
                "trunk_name": text("Trunk Name", 100),
                "trunk_address": text("Trunk Address", 100),
                "trunk_numbers": string_list("Trunk Numbers"),
                "trunk_auth_username": text("Trunk Auth Username", 100),
                "trunk_auth_password": text("Trunk Auth Password", 100),
                "trunk_type": {"type": "string", "enum": ["exotel", "twilio"], "title": "Trunk Type"}
            },
            "type": "object",
            "required": [
                "trunk_name", "trunk_address", "trunk_numbers",
                "trunk_auth_username", "trunk_auth_password", "trunk_type"
            ],
            "title": "CreateOutboundTrunk"
        }
    })
}

fn v2_schemas() -> Value {
    json!({
        "CreateOutboundTrunkRequest": {
            "properties": {
                "trunk_name": text("Trunk Name", 100),
                "trunk_type": {"type": "string", "enum": ["twilio", "exotel"], "title": "Trunk Type"},
                "trunk_config": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/TwilioTrunkConfig"},
                        {"$ref": "#/components/schemas/ExotelTrunkConfig"}
                    ],
                    "title": "Trunk Config"
                },
                "passthrough_mode": {"type": "boolean", "title": "Passthrough Mode", "default": false},
                "passthrough_webhook_url": optional("string", "Passthrough Webhook Url")
            },
            "type": "object",
            "required": ["trunk_name", "trunk_type", "trunk_config"],
            "title": "CreateOutboundTrunkRequest"
        },
        "ExotelTrunkConfig": {
            "properties": {
                "exotel_number": text("Exotel Number", 20),
                "sip_host": optional("string", "Sip Host"),
                "sip_port": optional("integer", "Sip Port"),
                "sip_domain": optional("string", "Sip Domain")
            },
            "type": "object",
            "required": ["exotel_number"],
            "title": "ExotelTrunkConfig"
        },
        "TwilioTrunkConfig": {
            "properties": {
                "address": text("Address", 100),
                "numbers": string_list("Numbers"),
                "username": text("Username", 100),
                "password": text("Password", 100)
            },
            "type": "object",
            "required": ["address", "numbers", "username", "password"],
            "title": "TwilioTrunkConfig"
        }
    })
}

fn http_validation_error() -> Value {
    json!({
        "properties": {
            "detail": {
                "items": {"$ref": "#/components/schemas/ValidationError"},
                "type": "array",
                "title": "Detail"
            }
        },
        "type": "object",
        "title": "HTTPValidationError"
    })
}

fn validation_error() -> Value {
    json!({
        "properties": {
            "loc": {
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                "type": "array",
                "title": "Location"
            },
            "msg": {"type": "string", "title": "Message"},
            "type": {"type": "string", "title": "Error Type"},
            "input": {"title": "Input"},
            "ctx": {"type": "object", "title": "Context"}
        },
        "type": "object",
        "required": ["loc", "msg", "type"],
        "title": "ValidationError"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(text: &str) -> Value {
        let exchange: Value = serde_json::from_str(text).unwrap();
        serde_json::from_str(exchange["body"].as_str().unwrap()).unwrap()
    }

    fn request_schema(doc: &Value) -> &Value {
        let reference = doc["paths"]["/sip/create-outbound-trunk"]["post"]["requestBody"]
            ["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let name = reference.rsplit('/').next().unwrap();
        &doc["components"]["schemas"][name]
    }

    #[test]
    fn every_combination_names_its_scheme_and_request() {
        for revision in [ApiRevision::V1, ApiRevision::V2] {
            for auth in [ServeAuth::XApiKey, ServeAuth::Bearer, ServeAuth::Both] {
                let doc = document(revision, auth);
                let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
                assert_eq!(
                    schemes.contains_key("APIKeyHeader"),
                    auth != ServeAuth::Bearer
                );
                assert_eq!(
                    schemes.contains_key("HTTPBearer"),
                    auth != ServeAuth::XApiKey
                );
                let paths = doc["paths"].as_object().unwrap();
                assert_eq!(paths.len(), 3);
                for op in paths.values().flat_map(|p| p.as_object().unwrap().values()) {
                    let alternatives = op["security"].as_array().unwrap();
                    assert_eq!(alternatives.len(), schemes.len());
                    for alt in alternatives {
                        let name = alt.as_object().unwrap().keys().next().unwrap();
                        assert!(schemes.contains_key(name), "{name}");
                    }
                }
                let request = request_schema(&doc);
                let props = request["properties"].as_object().unwrap();
                assert_eq!(
                    props.contains_key("trunk_config"),
                    revision == ApiRevision::V2
                );
                assert_eq!(
                    props.contains_key("trunk_address"),
                    revision == ApiRevision::V1
                );
                // Every reference resolves.
                let text = doc.to_string();
                for part in text.split("\"#/components/schemas/").skip(1) {
                    let name = &part[..part.find('"').unwrap()];
                    assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
                }
            }
        }
    }

    /// The recorded documents of real servers, but for their `/health`, which this server
    /// does not have, and our `info.description`.
    #[test]
    fn the_recorded_kinds_of_server_are_matched() {
        let cases = [
            (
                include_str!("../../tests/fixtures/v1-header-openapi.json"),
                ApiRevision::V1,
                ServeAuth::XApiKey,
            ),
            (
                include_str!("../../tests/fixtures/v2-bearer-openapi.json"),
                ApiRevision::V2,
                ServeAuth::Bearer,
            ),
        ];
        for (fixture, revision, auth) in cases {
            let mut theirs = recorded(fixture);
            theirs["paths"].as_object_mut().unwrap().remove("/health");
            let mut ours = document(revision, auth);
            ours["info"].as_object_mut().unwrap().remove("description");
            assert_eq!(ours, theirs, "{revision} {auth:?}");
        }
    }
}
