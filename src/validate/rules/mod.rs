//! One file per rule. Register each in `../registry.rs`.

pub mod definition_too_large;
pub mod duplicate_key;
pub mod duplicate_state_name;
pub mod transition_target;
// Structure: the ASL JSON Schema and the checks it cannot express.
pub mod distributed_only_fields;
pub mod duplicate_label_name;
pub mod exclusive_fields;
pub mod field_ranges;
pub mod invalid_label_name;
pub mod map_config;
pub mod query_language_fields;
pub mod schema;
// Graph, Retry/Catch, Task Resource and timestamp rules.
pub mod choice_default;
pub mod error_names;
pub mod express_integrations;
pub mod graph;
pub mod loop_no_exit;
pub mod missing_end_state;
pub mod retry_catch;
pub mod state_name;
pub mod task_resource;
pub mod timestamp;
pub mod unknown_integration;
pub mod unreachable_from_start;
pub mod unreachable_state;
// The languages inside a definition: paths, payload templates, intrinsics, JSONata.
pub mod intrinsic_argument;
pub mod intrinsic_call;
pub mod invalid_json;
pub mod jsonata_expression;
pub mod jsonpath_in_jsonata;
pub mod missing_definition;
pub mod no_dollar;
pub mod no_path;
pub mod pass_result_is_static;
pub mod path_fields;
pub mod payload_template;
pub mod unfilled_placeholder;
pub mod unresolved_definition;
pub mod unresolved_definition_uri;

// Reported by `sfn run` about the mocks file.
pub mod invalid_mocks;
pub mod unknown_mock_state;
