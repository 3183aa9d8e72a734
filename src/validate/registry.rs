//! Every rule, in one list: the order rules run in and the order they are documented in.

use super::Rule;
use super::rules;

pub static RULES: &[&Rule] = &[
    // Reported while loading; listed here for `sfn explain` and the README.
    &rules::invalid_json::RULE,
    &rules::missing_definition::RULE,
    &rules::unresolved_definition_uri::RULE,
    &rules::unresolved_definition::RULE,
    &rules::unfilled_placeholder::RULE,
    &rules::duplicate_state_name::RULE,
    &rules::duplicate_key::RULE,
    &rules::definition_too_large::RULE,
    &rules::transition_target::RULE,
    &rules::schema::RULE,
    &rules::exclusive_fields::RULE,
    &rules::query_language_fields::RULE,
    &rules::map_config::RULE,
    &rules::invalid_label_name::RULE,
    &rules::duplicate_label_name::RULE,
    &rules::distributed_only_fields::RULE,
    &rules::field_ranges::RULE,
    &rules::state_name::RULE,
    &rules::unreachable_state::RULE,
    &rules::unreachable_from_start::RULE,
    &rules::missing_end_state::RULE,
    &rules::loop_no_exit::RULE,
    &rules::choice_default::RULE,
    &rules::retry_catch::RULE,
    &rules::error_names::RULE,
    &rules::task_resource::RULE,
    &rules::unknown_integration::RULE,
    &rules::express_integrations::RULE,
    &rules::timestamp::RULE,
    &rules::path_fields::RULE,
    &rules::payload_template::RULE,
    &rules::intrinsic_call::RULE,
    &rules::intrinsic_argument::RULE,
    &rules::no_dollar::RULE,
    &rules::no_path::RULE,
    &rules::pass_result_is_static::RULE,
    &rules::jsonata_expression::RULE,
    &rules::jsonpath_in_jsonata::RULE,
    // Reported by `sfn run` about the mocks file; listed for `sfn explain`.
    &rules::invalid_mocks::RULE,
    &rules::unknown_mock_state::RULE,
];

/// The rules reporting `code`, or the rule named `code` (`next-target-exists`), case-insensitively.
pub fn find(code: &str) -> Vec<&'static Rule> {
    RULES
        .iter()
        .copied()
        .filter(|r| r.code.eq_ignore_ascii_case(code) || r.id.eq_ignore_ascii_case(code))
        .collect()
}

/// Every code, once, in registry order.
pub fn codes() -> Vec<&'static str> {
    let mut seen = Vec::new();
    for r in RULES {
        if !seen.contains(&r.code) {
            seen.push(r.code);
        }
    }
    seen
}
