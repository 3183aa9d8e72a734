//! One file per rule. Register each in `../registry.rs`.

pub mod duplicate_state_name;
pub mod transition_target;
