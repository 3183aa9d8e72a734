//! Intrinsic functions (being written).
