//! Messages in two languages (issue #22): a finding carries the id of its message and the
//! values it names ([`Text`]), and is rendered from one catalogue ([`super::messages`])
//! in English or Chinese, so the vendor reads findings.csv in the language they work in
//! and report.json keeps enough to render the other.
//!
//! A table in Rust rather than Fluent: the messages need only named placeholders (no
//! plural or gender rules: Chinese has none and the English texts avoid them), and a table
//! is checked by the compiler and a unit test (every id in both languages, with the same
//! placeholders) without a runtime loader.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The language reports and findings are written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// `en` or `zh` (also `zh-CN`, `zh_CN.UTF-8`, `en_US`...), else `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The locale's language: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
    /// and not empty; Chinese when it starts with `zh`, else English.
    pub fn from_locale() -> Lang {
        let set = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty());
        set.and_then(|v| Lang::parse(&v)).unwrap_or_default()
    }

    /// The lowercase code used in profiles and report.json.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// A message of the catalogue with the values it names: what a finding says, in neither
/// language yet. report.json records it beside the rendered message.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Text {
    /// The message's id in the catalogue (`page-gap.one`, `file-empty`...).
    pub id: String,
    /// The values its placeholders name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// One value a message names: a plain value (a number, a path, a code), a phrase of the
/// catalogue rendered in the same language, or a list of either.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// Shown as it is.
    Plain(String),
    /// A phrase of the catalogue.
    Text(Text),
    /// Items joined as the language lists them (`, ` or `、`).
    List(Vec<Arg>),
}

impl Arg {
    fn render(&self, lang: Lang) -> String {
        match self {
            Arg::Plain(s) => s.clone(),
            Arg::Text(t) => t.render(lang),
            Arg::List(items) => {
                let sep = if lang == Lang::Zh { "、" } else { ", " };
                items.iter().map(|a| a.render(lang)).collect::<Vec<_>>().join(sep)
            }
        }
    }
}

/// What may be named in a message: anything displayable, a phrase, or a list.
pub trait IntoArg {
    /// The value as a message argument.
    fn into_arg(self) -> Arg;
}

impl<T: std::fmt::Display> IntoArg for T {
    fn into_arg(self) -> Arg {
        Arg::Plain(self.to_string())
    }
}

impl IntoArg for Text {
    fn into_arg(self) -> Arg {
        Arg::Text(self)
    }
}

impl IntoArg for Arg {
    fn into_arg(self) -> Arg {
        self
    }
}

/// Phrases listed as the language lists them.
pub fn list(items: impl IntoIterator<Item = Text>) -> Arg {
    Arg::List(items.into_iter().map(Arg::Text).collect())
}

impl Text {
    /// Message `id` with these values (see the [`text!`](crate::text) macro).
    pub fn new(id: &str, args: Vec<(&str, Arg)>) -> Text {
        let args = args.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Text { id: id.to_string(), args }
    }

    /// The message in `lang`. An id missing from the catalogue renders as the id and its
    /// values (never panics: a journal of another vouch version may name one).
    pub fn render(&self, lang: Lang) -> String {
        let args: BTreeMap<&str, String> =
            self.args.iter().map(|(k, v)| (k.as_str(), v.render(lang))).collect();
        match super::messages::template(&self.id, lang) {
            Some(template) => fill(template, &args),
            None => {
                let list: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{} ({})", self.id, list.join(", "))
            }
        }
    }
}

/// What kind of file other than a regular one is (`a FIFO`, as the walk and the readback
/// name it), as a phrase; any other wording as it is.
pub fn special_file(what: &str) -> Arg {
    let id = match what {
        "a FIFO" => "phrase.fifo",
        "a socket" => "phrase.socket",
        "a block device" => "phrase.block-device",
        "a character device" => "phrase.char-device",
        _ => return Arg::Plain(what.to_string()),
    };
    Arg::Text(Text::new(id, Vec::new()))
}

/// Builds a [`Text`]: `text!("page-gap.one", page = 3, next = 4)`.
#[macro_export]
macro_rules! text {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::finding::text::Text::new(
            $id,
            vec![$((stringify!($k), $crate::finding::text::IntoArg::into_arg($v))),*],
        )
    };
}

/// The template `id` in `lang`, filled with `args` (a label or phrase of the catalogue).
pub fn t(lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
    let map: BTreeMap<&str, String> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
    match super::messages::template(id, lang) {
        Some(template) => fill(template, &map),
        None => id.to_string(),
    }
}

/// Replaces every `{name}` in `template` by its value; `{{` and `}}` are literal braces.
fn fill(template: &str, args: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(end) = tail.find('}').filter(|_| tail.starts_with('{')) {
            let name = &tail[1..end];
            out.push_str(args.get(name).map_or(tail[..=end].as_ref(), String::as_str));
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names of a template, sorted (for the catalogue's test).
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template.replace("{{", "").replace("}}", "");
    while let Some(i) = rest.find('{') {
        let Some(end) = rest[i..].find('}') else { break };
        names.push(rest[i + 1..i + end].to_string());
        rest = rest[i + end + 1..].to_string();
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_named_values_and_keeps_literal_braces() {
        let mut args = BTreeMap::new();
        args.insert("n", "3".to_string());
        assert_eq!(fill("page {n} of {{all}}", &args), "page 3 of {all}");
        assert_eq!(fill("{missing} stays", &args), "{missing} stays");
        assert_eq!(placeholders("{b} and {a} and {b} {{c}}"), vec!["a", "b"]);
    }

    #[test]
    fn languages_from_codes_and_locales() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn an_unknown_id_renders_as_itself() {
        let t = Text::new("unknown id", vec![("a", Arg::Plain("1".into()))]);
        assert_eq!(t.render(Lang::Zh), "unknown id (a=1)");
    }
}
