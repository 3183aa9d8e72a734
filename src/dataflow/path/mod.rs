//! JSONPath and reference paths (being written).
