//! The languages inside a definition: JSONPath and reference paths, and
//! intrinsic functions. Each is split into small pure stages (lex → parse →
//! check), so the validator and the engine share them.

pub mod intrinsic;
pub mod path;
