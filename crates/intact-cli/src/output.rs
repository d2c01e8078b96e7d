//! Standard output: human text, or the `--json` form of a report — and the last guard of the
//! leak gate's promise: once a command has loaded a deny-list ([`withhold`]), nothing it prints,
//! on standard output or as an error, holds an entry of it (docs/REDACTION.md, "Never printed").

use std::io::Write;
use std::sync::OnceLock;

use intact::gate::DenyList;

/// The deny-list of this run, once loaded.
static WITHHELD: OnceLock<DenyList> = OnceLock::new();

/// From now on, everything this run prints is masked against `deny` (the first list given
/// stays).
pub fn withhold(deny: &DenyList) {
    let _ = WITHHELD.set(deny.clone());
}

/// `text` as it may be shown: every run of words that holds a deny-list entry masked
/// ([`intact::gate::mask_text`]); unchanged when no deny-list was loaded.
pub fn shown(text: &str) -> String {
    match WITHHELD.get() {
        Some(deny) => intact::gate::mask_text(deny, text),
        None => text.to_owned(),
    }
}

/// Every string and key of a JSON value, [`shown`].
fn shown_json(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(shown(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(shown_json).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (shown(&k), shown_json(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Prints to standard output ([`shown`]); a closed pipe ends quietly.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(shown(text).as_bytes());
    let _ = o.flush();
}

/// A report as pretty JSON, one value per run, ending with a newline (strings [`shown`]).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value);
    if let (Ok(t), Some(deny)) = (&text, WITHHELD.get()) {
        // rare: masked string by string, so the JSON stays valid (its keys then come sorted)
        if deny.holds(t) {
            text = serde_json::to_value(value)
                .and_then(|v| serde_json::to_string_pretty(&shown_json(v)));
        }
    }
    text.unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")) + "\n"
}

/// Prints `value` as JSON with `--json`, else the human text `human` makes of it.
pub fn print<T: serde::Serialize>(as_json: bool, value: &T, human: impl FnOnce(&T) -> String) {
    if as_json {
        out(&json(value));
    } else {
        out(&human(value));
    }
}
