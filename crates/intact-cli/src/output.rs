//! Standard output: human text, or the `--json` form of a report.

use std::io::Write;

/// Prints to standard output; a closed pipe ends quietly.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// A report as pretty JSON, one value per run, ending with a newline.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")) + "\n"
}

/// Prints `value` as JSON with `--json`, else the human text `human` makes of it.
pub fn print<T: serde::Serialize>(as_json: bool, value: &T, human: impl FnOnce(&T) -> String) {
    if as_json {
        out(&json(value));
    } else {
        out(&human(value));
    }
}
