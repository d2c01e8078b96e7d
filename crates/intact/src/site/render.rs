//! The templates (minijinja, files beside this one, built into the binary) and the interface
//! strings of each language (`i18n/<lang>.json`, one file per language, marked for the
//! office's review). Document metadata is shown as written, never translated.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};

use super::SiteError;

/// The page sets, in the order the language switch lists them.
pub const LANGUAGES: [&str; 3] = ["hy", "en", "ru"];

/// Each language's interface strings (JSON: key → text; `_review` marks the file as a draft
/// for the office's review).
pub const TRANSLATIONS: [(&str, &str); 3] = [
    ("hy", include_str!("i18n/hy.json")),
    ("en", include_str!("i18n/en.json")),
    ("ru", include_str!("i18n/ru.json")),
];

/// The templates, by name.
pub const TEMPLATES: [(&str, &str); 5] = [
    ("base.html", include_str!("templates/base.html")),
    ("root.html", include_str!("templates/root.html")),
    ("index.html", include_str!("templates/index.html")),
    ("release.html", include_str!("templates/release.html")),
    ("doc.html", include_str!("templates/doc.html")),
];

/// The template environment and the strings of every language.
pub struct Renderer {
    env: Environment<'static>,
    pub strings: BTreeMap<&'static str, BTreeMap<String, String>>,
}

fn template_error(name: &str, e: impl std::fmt::Display) -> SiteError {
    SiteError::Template {
        name: name.to_owned(),
        message: e.to_string(),
    }
}

impl Renderer {
    pub fn new() -> Result<Renderer, SiteError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        for (name, src) in TEMPLATES {
            env.add_template(name, src)
                .map_err(|e| template_error(name, e))?;
        }
        let mut strings = BTreeMap::new();
        for (lang, src) in TRANSLATIONS {
            let map: BTreeMap<String, String> = serde_json::from_str(src)
                .map_err(|e| template_error(&format!("i18n/{lang}.json"), e))?;
            strings.insert(lang, map);
        }
        Ok(Renderer { env, strings })
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, SiteError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| template_error(name, format!("{e:#}")))
    }

    /// The language switch of a page at `here` (its path inside a language's folder).
    pub fn langs(&self) -> Vec<BTreeMap<&'static str, String>> {
        LANGUAGES
            .iter()
            .map(|l| {
                let s = &self.strings[l];
                BTreeMap::from([
                    ("code", (*l).to_owned()),
                    ("name", s.get("lang_name").cloned().unwrap_or_default()),
                    ("enter", s.get("enter").cloned().unwrap_or_default()),
                ])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string_and_is_marked_for_review() {
        let r = Renderer::new().unwrap();
        let en = &r.strings["en"];
        for (lang, map) in &r.strings {
            let a: Vec<_> = map.keys().collect();
            let b: Vec<_> = en.keys().collect();
            assert_eq!(a, b, "{lang}: not the same keys as en");
            assert!(map["_review"].len() > 10, "{lang}: no review mark");
            for (k, v) in map {
                assert!(!v.trim().is_empty(), "{lang}: {k} is empty");
            }
        }
    }

    #[test]
    fn every_string_a_template_names_exists() {
        let r = Renderer::new().unwrap();
        let en = &r.strings["en"];
        for (name, src) in TEMPLATES {
            for part in src.split(" t.").skip(1) {
                let key: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if key.is_empty() {
                    continue;
                }
                assert!(en.contains_key(&key), "{name}: t.{key} is not a string");
            }
        }
    }
}
