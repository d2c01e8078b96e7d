//! HTML and XML: every character reference (`&#1052;`, `&#x41C;`) and every HTML5 named entity
//! (`&nbsp;`, `&uuml;`, via `html-escape`) decoded, with the tags dropped. Comments are kept as
//! text (a reader of the source sees them, and Word's HTML export puts metadata there), and so
//! are attribute values in the view that keeps tags.

/// Whether `t` may hold markup or entities worth decoding.
pub fn applies(t: &str) -> bool {
    t.contains('<') || t.contains('&')
}

/// Tags removed, comment bodies kept: (pieces joined tightly, pieces separated by a space), so
/// that text split across elements (`<b>Jo</b>hn`) still matches.
pub fn strip_tags_keep_comments(s: &str) -> (String, String) {
    let mut tight = String::with_capacity(s.len());
    let mut spaced = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        tight.push_str(&rest[..lt]);
        spaced.push_str(&rest[..lt]);
        spaced.push(' ');
        let after = &rest[lt..];
        if let Some(body) = after.strip_prefix("<!--") {
            // a comment: its body is text
            let end = body.find("-->").unwrap_or(body.len());
            tight.push_str(&body[..end]);
            spaced.push_str(&body[..end]);
            spaced.push(' ');
            rest = body.get(end + 3..).unwrap_or("");
        } else if let Some(body) = after.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            tight.push_str(&body[..end]);
            spaced.push_str(&body[..end]);
            rest = body.get(end + 3..).unwrap_or("");
        } else {
            match after.find('>') {
                Some(gt) => rest = &after[gt + 1..],
                None => {
                    // no closing bracket: not a tag, keep it as text
                    tight.push_str(after);
                    spaced.push_str(after);
                    rest = "";
                }
            }
        }
    }
    tight.push_str(rest);
    spaced.push_str(rest);
    (tight, spaced)
}

/// Every character reference and named entity decoded (tags kept).
pub fn decoded(t: &str) -> String {
    html_escape::decode_html_entities(t).into_owned()
}

/// Entities decoded (tags kept), then tags dropped with the pieces joined tightly and spaced.
pub fn views(t: &str) -> Vec<String> {
    let (tight, spaced) = strip_tags_keep_comments(t);
    vec![decoded(t), decoded(&tight), decoded(&spaced)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_named_and_numeric() {
        let v = views("<p>Zarifa&nbsp;Qurbanl&#x131;</p><p>G&uuml;lnar &#1052;&#1080;&#1088;</p>");
        assert!(v[1].contains("Zarifa\u{a0}Qurbanlı"), "{v:?}");
        assert!(v[1].contains("Gülnar Мир"), "{v:?}");
    }

    #[test]
    fn tags_dropped_comments_kept() {
        let v = views("<b>Za</b>rifa <!-- author: Testova --> <a title=\"G&uuml;l\">x</a> 1 < 2");
        assert!(v[1].contains("Zarifa"), "{v:?}");
        assert!(v[1].contains("author: Testova"), "{v:?}");
        assert!(v[0].contains("title=\"Gül\""), "{v:?}");
        assert!(v[2].contains("< 2"), "{v:?}");
    }
}
