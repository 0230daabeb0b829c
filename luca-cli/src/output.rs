//! Printing a report: human-readable lines, or one JSON document with `--json`.

use serde_json::Value;

/// Where a command's report goes (standard output), and in which form.
pub(crate) struct Printer {
    /// `--json`: one JSON document instead of the human-readable report.
    pub(crate) json: bool,
}

impl Printer {
    /// Prints the report: `human` as is, or `json` pretty-printed.
    pub(crate) fn emit(&self, human: &str, json: &Value) {
        if self.json {
            let text = serde_json::to_string_pretty(json).unwrap_or_else(|_| "null".to_owned());
            println!("{text}");
        } else {
            print!("{human}");
            if !human.ends_with('\n') {
                println!();
            }
        }
    }
}

/// Sets `doc[key] = value` (`doc` is always an object here).
pub(crate) fn set(doc: &mut Value, key: &str, value: Value) {
    if let Some(m) = doc.as_object_mut() {
        m.insert(key.to_owned(), value);
    }
}

/// The field `key` of `doc`, or null.
pub(crate) fn get<'a>(doc: &'a Value, key: &str) -> &'a Value {
    doc.get(key).unwrap_or(&Value::Null)
}

/// Human-readable `name: value` lines for the scalar fields of a JSON object, in order, nested objects indented.
pub(crate) fn lines(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match v {
                    Value::Object(_) => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        lines(v, indent.saturating_add(2), out);
                    }
                    Value::Array(items) if items.iter().any(|i| i.is_object()) => {
                        out.push_str(&format!("{pad}{k}: {} item(s)\n", items.len()));
                        for (i, item) in items.iter().enumerate() {
                            out.push_str(&format!("{pad}  [{i}]\n"));
                            lines(item, indent.saturating_add(4), out);
                        }
                    }
                    _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(v))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
