//! Where requests go, shared by both HTTP clients: the URL template (`{i}` is the task id), its
//! origin (scheme, host, port), and the extra headers.

use serde::{Deserialize, Serialize};

/// The header a client sends with its attempt number (0 for the first try), so a retried request
/// draws its fault afresh.
pub const ATTEMPT_HEADER: &str = "x-concbench-attempt";

const PLACEHOLDER: &str = "{i}";

/// A URL with an optional `{i}` placeholder for the task index, in its path or query.
///
/// It is kept split: the origin part (`scheme://authority`, the same for every task) and the
/// path-and-query split at each `{i}`, so rendering a task's request target is one pass with no
/// search, written straight into the buffer that needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct UrlTemplate {
    /// As written (trimmed).
    text: String,
    /// `scheme://authority`.
    origin_len: usize,
    /// The path and query (origin-form, from `/`; no fragment), split at each `{i}`.
    path: Vec<String>,
}

impl UrlTemplate {
    /// Checks that the template renders to an absolute `http` or `https` URL with a host, and
    /// that `{i}` is in its path or query (every request goes to the same origin).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some((at, c)) = text.char_indices().find(|(_, c)| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "'{}' holds {} at byte {at}: a URL has no spaces or control characters (percent-encode them, e.g. %20)",
                text.escape_debug(),
                if c == ' ' { "a space".to_string() } else { format!("{:?}", c) }
            ));
        }
        let after_scheme = text.find("://").map_or(0, |p| p + 3);
        let origin_len = text[after_scheme..].find(['/', '?', '#']).map_or(text.len(), |p| after_scheme + p);
        let (path, fragment) = text[origin_len..].split_once('#').unwrap_or((&text[origin_len..], ""));
        if text[..origin_len].contains(PLACEHOLDER) || fragment.contains(PLACEHOLDER) {
            return Err(format!("'{text}': {{i}} may only appear in the path or query"));
        }
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        let template = UrlTemplate {
            text: text.to_string(),
            origin_len,
            path: path.split(PLACEHOLDER).map(str::to_string).collect(),
        };
        let url = url::Url::parse(&template.render(0))
            .map_err(|e| format!("'{text}' is not a URL ({e}); write e.g. http://host:8080/items/{{i}}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("'{text}': scheme '{}' is not supported (use http or https)", url.scheme()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("'{text}' has no host"));
        }
        Ok(template)
    }

    /// Writes the path and query of task `i` (origin-form: `/items/7?x=1`) to `out`.
    pub fn write_path(&self, i: usize, out: &mut Vec<u8>) {
        use std::io::Write as _;
        for (n, piece) in self.path.iter().enumerate() {
            if n > 0 {
                let _ = write!(out, "{i}");
            }
            out.extend_from_slice(piece.as_bytes());
        }
    }

    /// Bytes the path and query of any task take, at most.
    pub fn path_len_max(&self) -> usize {
        self.path.iter().map(String::len).sum::<usize>() + 20 * (self.path.len() - 1)
    }

    /// The URL of task `i` (without the fragment, which no request carries).
    pub fn render(&self, i: usize) -> String {
        let mut out = Vec::with_capacity(self.origin_len + self.path_len_max());
        out.extend_from_slice(&self.text.as_bytes()[..self.origin_len]);
        self.write_path(i, &mut out);
        String::from_utf8(out).expect("pieces of a str joined by digits")
    }

    /// The path and query of task `i` (origin-form: `/items/7?x=1`).
    #[cfg(test)]
    pub fn render_path(&self, i: usize) -> String {
        let mut out = Vec::with_capacity(self.path_len_max());
        self.write_path(i, &mut out);
        String::from_utf8(out).expect("pieces of a str joined by digits")
    }

    /// Scheme, host and port, shared by every task.
    pub fn origin(&self) -> Origin {
        let url = url::Url::parse(&self.render(0)).expect("checked by parse");
        Origin {
            https: url.scheme() == "https",
            host: url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string(),
            port: url.port_or_known_default().unwrap_or(80),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `scheme://authority`, as written.
    pub fn origin_text(&self) -> &str {
        &self.text[..self.origin_len]
    }

    /// The path and query split at each `{i}`: task i's target is these pieces joined by `i`
    /// (for a client in another language to render exactly the same URLs).
    pub fn path_pieces(&self) -> &[String] {
        &self.path
    }
}

impl From<UrlTemplate> for String {
    fn from(t: UrlTemplate) -> String {
        t.text
    }
}

impl TryFrom<String> for UrlTemplate {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        UrlTemplate::parse(&s)
    }
}

/// An HTTP header to send with every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl std::str::FromStr for Header {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, value) = s.split_once(':').ok_or_else(|| format!("'{s}' is not a header: write 'Name: value'"))?;
        let (name, value) = (name.trim(), value.trim());
        if let Some(c) = s.chars().find(|c| matches!(c, '\r' | '\n')) {
            return Err(format!(
                "the header '{}' holds a line break ({}): a header is one line, 'Name: value'",
                s.escape_debug(),
                if c == '\r' { "CR" } else { "LF" }
            ));
        }
        hyper::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a valid header name"))?;
        hyper::header::HeaderValue::from_str(value)
            .map_err(|_| format!("the value of header '{name}' has characters HTTP does not allow"))?;
        Ok(Header { name: name.into(), value: value.into() })
    }
}

/// Where requests go: the scheme, host and port every request shares.
#[derive(Debug, Clone)]
pub struct Origin {
    pub https: bool,
    pub host: String,
    pub port: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_the_task_index() {
        let t = UrlTemplate::parse("http://localhost:8080/items/{i}?q={i}").unwrap();
        assert_eq!(t.render(7), "http://localhost:8080/items/7?q=7");
        assert_eq!(t.render_path(7), "/items/7?q=7");
        assert_eq!(UrlTemplate::parse("http://h:1").unwrap().render_path(3), "/");
        assert_eq!(UrlTemplate::parse("http://h:1?x={i}#frag").unwrap().render_path(3), "/?x=3");
        assert_eq!(UrlTemplate::parse("http://h:1?x={i}#frag").unwrap().render(3), "http://h:1/?x=3");
        let v6 = UrlTemplate::parse("http://[::1]:8080/a/{i}/b{i}").unwrap();
        assert_eq!((v6.render(12), v6.render_path(0)), ("http://[::1]:8080/a/12/b12".into(), "/a/0/b0".into()));
        assert_eq!(v6.origin().host, "::1");
        assert!(v6.render_path(usize::MAX).len() <= v6.path_len_max());
        for bad in ["http://shard{i}.example.com/x", "http://h:{i}/x", "http://h/x#{i}"] {
            assert!(UrlTemplate::parse(bad).unwrap_err().contains("path or query"), "{bad}");
        }
        let fixed = UrlTemplate::parse("https://example.com/x").unwrap();
        assert_eq!(fixed.render(3), "https://example.com/x");
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        for bad in ["", "localhost:8080", "ftp://host/x", "http://", "/items/{i}", "http:// bad host/"] {
            let err = UrlTemplate::parse(bad).unwrap_err();
            assert!(!err.contains('\n'), "{bad}: {err}");
        }
    }

    #[test]
    fn headers_parse_name_and_value() {
        let h: Header = "X-Api-Key: abc 123".parse().unwrap();
        assert_eq!((h.name.as_str(), h.value.as_str()), ("X-Api-Key", "abc 123"));
        assert!("no colon".parse::<Header>().is_err());
        assert!("bad name: x".parse::<Header>().is_err());
    }
}
