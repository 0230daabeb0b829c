//! CBOR diagnostic notation (RFC 8949 §8) and the COSE_Sign1 header (RFC 9052) of bytes being decoded.
//!
//! Display only: the bytes are parsed with `ciborium` (bounded nesting) to show them; whether they are a
//! valid luca message is decided by the library's decoders, never here.

use ciborium::Value;
use serde_json::json;

/// Nesting limit of the display parser (every luca message nests far less).
const MAX_DEPTH: usize = 16;

/// Parses `bytes` as one CBOR item (followed by nothing), for display.
pub(crate) fn parse(bytes: &[u8]) -> Option<Value> {
    let mut reader = bytes;
    let v: Value = ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_DEPTH).ok()?;
    reader.is_empty().then_some(v)
}

/// The diagnostic notation of a CBOR item; byte strings in `h'…'`, nested COSE not expanded.
pub(crate) fn diag(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Integer(i) => out.push_str(&i128::from(*i).to_string()),
        Value::Bytes(b) => {
            out.push_str("h'");
            out.push_str(&hex::encode(b));
            out.push('\'');
        }
        Value::Float(f) => out.push_str(&format!("{f:?}")),
        // A JSON string literal is the diagnostic notation of a text string (RFC 8949 §8); `Display` of a
        // JSON value cannot fail.
        Value::Text(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        Value::Tag(t, inner) => {
            out.push_str(&format!("{t}("));
            write(inner, out);
            out.push(')');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(k, out);
                out.push_str(": ");
                write(v, out);
            }
            out.push('}');
        }
        _ => out.push_str("undefined"),
    }
}

/// The COSE_Sign1 structure of `v`, if it has its shape (`[protected: bstr, unprotected: map, payload: bstr,
/// signature: bstr]`): the protected header in diagnostic notation with its algorithm (label 1) and content
/// type (label 3), the unprotected header, the payload in diagnostic notation and the signature.
pub(crate) fn cose_sign1(v: &Value) -> Option<serde_json::Value> {
    let Value::Array(items) = v else { return None };
    let [Value::Bytes(protected), Value::Map(unprotected), Value::Bytes(payload), Value::Bytes(signature)] =
        items.as_slice()
    else {
        return None;
    };
    let header = parse(protected);
    let label = |n: i128| match &header {
        Some(Value::Map(m)) => m.iter().find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == n)),
        _ => None,
    };
    let alg = label(1).map(|(_, v)| match v {
        Value::Integer(i) if i128::from(*i) == -7 => json!("ES256 (-7)"),
        other => json!(diag(other)),
    });
    let content_type = label(3).map(|(_, v)| match v {
        Value::Text(s) => json!(s),
        other => json!(diag(other)),
    });
    Some(json!({
        "protected": header.as_ref().map_or_else(|| format!("h'{}' (not CBOR)", hex::encode(protected)), diag),
        "alg": alg,
        "content_type": content_type,
        "unprotected": diag(&Value::Map(unprotected.clone())),
        "payload": parse(payload).as_ref().map_or_else(|| format!("h'{}'", hex::encode(payload)), diag),
        "signature": hex::encode(signature),
    }))
}
