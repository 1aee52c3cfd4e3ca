//! Escaping for HTML and XML text: file names and catalogue titles are hostile input.
//!
//! One function for both renderings, so neither can forget a case: the five markup
//! characters become entities (safe in text and in quoted attributes), and characters
//! XML 1.0 forbids (control characters other than tab, LF, CR; U+FFFE, U+FFFF) become
//! U+FFFD, so a name with a stray control byte cannot make junit.xml unparseable.

/// Escapes `text` for HTML or XML text and double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("<img src=x onerror='a'>&\"\u{1}\u{ffff}档"),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;\u{fffd}\u{fffd}档"
        );
        assert_eq!(escape("a\tb\nc"), "a\tb\nc");
    }
}
