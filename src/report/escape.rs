//! Escaping of text put into HTML and Markdown: every title, name and detail
//! comes from a user's scenario and may hold markup.

/// Text safe inside an HTML element or a quoted attribute.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside a Markdown table cell or paragraph: markup characters are
/// backslash-escaped, `|` so it does not end a cell, `<` so no HTML gets through.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The pieces of `s` between backticks: odd-numbered ones were inside a
/// pair (code); an unpaired last backtick stays in the text.
fn code_spans(s: &str) -> Vec<(bool, String)> {
    let parts: Vec<&str> = s.split('`').collect();
    let paired = (parts.len() - 1) / 2 * 2;
    let mut out: Vec<(bool, String)> = vec![];
    for (i, p) in parts.iter().enumerate() {
        if i > paired {
            // After the unpaired backtick: text, the backtick kept.
            let last = out.last_mut().expect("a piece before");
            last.1.push('`');
            last.1.push_str(p);
        } else {
            out.push((i % 2 == 1, (*p).to_string()));
        }
    }
    out
}

/// [`html`], with each pair of backticks a `<code>` span: scenario files,
/// verdicts and warnings mark keys and commands that way.
pub fn html_code(s: &str) -> String {
    code_spans(s)
        .iter()
        .map(|(code, p)| {
            if *code {
                format!("<code>{}</code>", html(p))
            } else {
                html(p)
            }
        })
        .collect()
}

/// [`markdown`], with each pair of backticks kept as a code span (for
/// paragraphs and lists; a table cell escapes them, as `|` in a span would
/// still end the cell).
pub fn markdown_code(s: &str) -> String {
    code_spans(s)
        .iter()
        .map(|(code, p)| {
            if *code {
                format!("`{}`", p.replace('\n', " "))
            } else {
                markdown(p)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn backtick_pairs_are_code_and_an_unpaired_one_is_text() {
        assert_eq!(
            super::html_code("set `a < b` in `x`, not `y"),
            "set <code>a &lt; b</code> in <code>x</code>, not `y"
        );
        assert_eq!(super::html_code("plain"), "plain");
        assert_eq!(
            super::markdown_code("run `flowsim run a_b.toml` *now* `x"),
            r"run `flowsim run a_b.toml` \*now\* \`x"
        );
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            super::html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn markdown_escapes_cells_and_html() {
        assert_eq!(super::markdown("a|b <i>"), r"a\|b \<i\>");
    }
}
