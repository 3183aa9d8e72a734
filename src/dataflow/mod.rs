//! The languages inside a definition: JSONPath and reference paths, intrinsic
//! functions, and (their delimiters, for now) JSONata expressions. Each is split
//! into small pure stages (lex → parse → check), so the validator and the
//! engine share them; [`sites`] says where in a state they appear.

pub mod intrinsic;
pub mod jsonata;
pub mod path;
pub mod sites;
