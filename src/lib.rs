//! sfn: validate, run and inspect AWS Step Functions state machines, offline.
//!
//! Data flows one way: file → [`load`] (spanned tree) → [`model`] →
//! [`validate`] → [`render`]; [`cli`] drives it. [`dataflow`] holds the
//! languages inside a definition (paths, intrinsic functions).

pub mod cli;
pub mod dataflow;
pub mod diagnostic;
pub mod engine;
pub mod history;
pub mod load;
pub mod mocks;
pub mod model;
pub mod render;
pub mod store;
pub mod validate;
