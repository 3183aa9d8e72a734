//! Embeds a lean copy of `schemas/asl.schema.json`: the annotations editors
//! show (`description`, `title`, `$comment`, `examples`) removed and the JSON
//! minified. Validation never reads them, and parsing and compiling them was a
//! tenth of a one-file `sfn validate`.

use serde_json::Value;

fn main() {
    let source = "schemas/asl.schema.json";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("schemas/asl.schema.json is readable");
    let mut schema: Value = serde_json::from_str(&text).expect("schemas/asl.schema.json is JSON");
    strip_schema(&mut schema);
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("asl.schema.min.json");
    std::fs::write(out, schema.to_string()).expect("OUT_DIR is writable");
}

/// Drops the annotations of a schema object and of its subschemas.
fn strip_schema(schema: &mut Value) {
    match schema {
        Value::Object(keywords) => {
            keywords.retain(|k, _| {
                !matches!(
                    k.as_str(),
                    "description" | "title" | "$comment" | "examples"
                )
            });
            for (keyword, value) in keywords.iter_mut() {
                match keyword.as_str() {
                    // Maps from names (which may be anything, `description` too) to subschemas.
                    "properties" | "patternProperties" | "definitions" | "$defs"
                    | "dependentSchemas" => {
                        if let Value::Object(named) = value {
                            named.values_mut().for_each(strip_schema);
                        }
                    }
                    // Values, not schemas: kept as written.
                    "const" | "enum" | "default" | "required" => {}
                    _ => strip_schema(value),
                }
            }
        }
        // `allOf`, `anyOf`, `oneOf`, `items` as a list: lists of subschemas.
        Value::Array(items) => items.iter_mut().for_each(strip_schema),
        _ => {}
    }
}
