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

/// The lines of a `--urls-file`: absolute URLs, all of one origin, or paths on the target (a
/// line starting with `/`), each with `{i}` allowed; blank lines and lines starting with `#` are
/// skipped. Request `i` goes to line `i mod` their count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlList {
    lines: Vec<UrlLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum UrlLine {
    Absolute(UrlTemplate),
    Path(String),
}

impl UrlList {
    /// Checks every line; an error names the first bad one (`line 3: ...`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = Vec::new();
        let mut origin: Option<String> = None;
        for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |e: String| format!("line {n}: {e}");
            if line.starts_with('/') {
                UrlTemplate::parse(&format!("http://localhost{line}")).map_err(at)?;
                lines.push(UrlLine::Path(line.to_string()));
                continue;
            }
            let url = UrlTemplate::parse(line).map_err(at)?;
            match &origin {
                Some(first) if first != url.origin_text() => {
                    return Err(at(format!(
                        "{} is not the origin of the first URL ({first}): a run sends to one origin (write paths, /items/{{i}}, for the target's)",
                        url.origin_text()
                    )));
                }
                Some(_) => {}
                None => origin = Some(url.origin_text().to_string()),
            }
            lines.push(UrlLine::Absolute(url));
        }
        if lines.is_empty() {
            return Err("holds no URL (one per line; blank lines and # comments are skipped)".into());
        }
        Ok(UrlList { lines })
    }

    /// Its lines as [`UrlList::parse`] reads them back.
    pub fn text(&self) -> String {
        let line = |l: &UrlLine| match l {
            UrlLine::Absolute(u) => u.as_str().to_string(),
            UrlLine::Path(p) => p.clone(),
        };
        self.lines.iter().map(line).collect::<Vec<_>>().join("\n")
    }

    /// How many URLs it holds.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The first absolute URL, whose origin every absolute line shares; `None` when every line is
    /// a path.
    pub fn first_absolute(&self) -> Option<&UrlTemplate> {
        self.lines.iter().find_map(|l| match l {
            UrlLine::Absolute(u) => Some(u),
            UrlLine::Path(_) => None,
        })
    }

    /// Every line as a URL, paths taken on `origin` (`scheme://authority`); an absolute line of
    /// another origin is refused.
    pub fn resolve(&self, origin: &str) -> Result<Vec<UrlTemplate>, String> {
        self.lines
            .iter()
            .map(|l| match l {
                UrlLine::Path(p) => UrlTemplate::parse(&format!("{origin}{p}")),
                UrlLine::Absolute(u) if u.origin_text() == origin => Ok(u.clone()),
                UrlLine::Absolute(u) => {
                    Err(format!("{} is not the target's origin ({origin}): a run sends to one origin", u.as_str()))
                }
            })
            .collect()
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
    fn url_files_hold_urls_of_one_origin_or_paths_on_the_target() {
        let list = UrlList::parse("# items\n/api/items/{i}\n\n  /api/items/7?x={i}  \n").unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.first_absolute().is_none());
        let urls = list.resolve("http://127.0.0.1:9").unwrap();
        assert_eq!(urls[0].render(3), "http://127.0.0.1:9/api/items/3");
        assert_eq!(urls[1].render(3), "http://127.0.0.1:9/api/items/7?x=3");
        let list = UrlList::parse("http://a:1/x/{i}\n/y\nhttp://a:1/z").unwrap();
        assert_eq!(list.first_absolute().unwrap().origin_text(), "http://a:1");
        assert_eq!(list.resolve("http://a:1").unwrap()[1].as_str(), "http://a:1/y");
        assert!(list.resolve("http://b:1").unwrap_err().contains("not the target's origin"));
        let e = UrlList::parse("http://a:1/x\nhttp://b:1/y").unwrap_err();
        assert!(e.starts_with("line 2: http://b:1 is not the origin"), "{e}");
        assert!(UrlList::parse("\n# nothing\n").unwrap_err().contains("holds no URL"));
        assert!(UrlList::parse("/ok\nftp://x/y").unwrap_err().starts_with("line 2: "));
        assert!(UrlList::parse("/a b").unwrap_err().contains("line 1"));
    }

    #[test]
    fn headers_parse_name_and_value() {
        let h: Header = "X-Api-Key: abc 123".parse().unwrap();
        assert_eq!((h.name.as_str(), h.value.as_str()), ("X-Api-Key", "abc 123"));
        assert!("no colon".parse::<Header>().is_err());
        assert!("bad name: x".parse::<Header>().is_err());
    }
}
