//! Between the views and the writers: the plain data a view builds and a writer reads: blocks
//! (headings, facts, paragraphs, bullets, tables, verdict lines, rules, code, chart references,
//! quotes, notes) of inline spans. Emphasis is data here ([`Span::Strong`], [`Span::Code`]); only
//! the writers know a markup.

/// Where a block, a table column or a row appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// The report (Markdown, HTML).
    Document,
    /// The terminal summary.
    Terminal,
    Both,
}

impl Show {
    pub fn in_document(self) -> bool {
        self != Show::Terminal
    }

    pub fn in_terminal(self) -> bool {
        self != Show::Document
    }

    /// Whether it shows in the terminal summary (`true`) or the document (`false`).
    pub fn shows(self, terminal: bool) -> bool {
        if terminal { self.in_terminal() } else { self.in_document() }
    }
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Strong(String),
    Code(String),
    Emph(String),
}

impl Span {
    /// The text without its style.
    pub fn text(&self) -> &str {
        match self {
            Span::Plain(s) | Span::Strong(s) | Span::Code(s) | Span::Emph(s) => s,
        }
    }
}

/// Text with emphasis: a sequence of spans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inline(pub Vec<Span>);

impl Inline {
    pub fn plain(s: impl Into<String>) -> Self {
        Inline(vec![Span::Plain(s.into())])
    }

    pub fn strong(s: impl Into<String>) -> Self {
        Inline(vec![Span::Strong(s.into())])
    }

    pub fn code(s: impl Into<String>) -> Self {
        Inline(vec![Span::Code(s.into())])
    }

    /// This text followed by `more`.
    pub fn then(mut self, more: impl Into<Inline>) -> Self {
        self.0.extend(more.into().0);
        self
    }

    /// The text without its styles, as the terminal shows it.
    pub fn plain_text(&self) -> String {
        self.0.iter().map(Span::text).collect()
    }
}

impl From<String> for Inline {
    fn from(s: String) -> Self {
        Inline::plain(s)
    }
}

impl From<&str> for Inline {
    fn from(s: &str) -> Self {
        Inline::plain(s)
    }
}

impl From<Span> for Inline {
    fn from(s: Span) -> Self {
        Inline(vec![s])
    }
}

/// How a column's cells line up in the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table column: its header in the terminal summary and in the document (`None`: not shown
/// there), and how it aligns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub terminal: Option<String>,
    pub document: Option<String>,
    pub align: Align,
}

impl Column {
    pub fn header(&self, terminal: bool) -> Option<&str> {
        if terminal { self.terminal.as_deref() } else { self.document.as_deref() }
    }
}

/// A row: a cell per column (a short row leaves the last columns empty) and where it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Inline>,
    pub show: Show,
}

/// A table, built once: each writer shows the columns and rows meant for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The headers and rows a writer shows (`terminal` or the document).
    pub fn visible(&self, terminal: bool) -> (Vec<&str>, Vec<Vec<&Inline>>) {
        let shown: Vec<usize> =
            (0..self.columns.len()).filter(|&i| self.columns[i].header(terminal).is_some()).collect();
        let headers = shown.iter().filter_map(|&i| self.columns[i].header(terminal)).collect();
        let rows = self
            .rows
            .iter()
            .filter(|r| r.show.shows(terminal))
            .map(|r| shown.iter().filter_map(|&i| r.cells.get(i)).collect())
            .collect();
        (headers, rows)
    }

    /// Alignment of the columns a writer shows.
    pub fn aligns(&self, terminal: bool) -> Vec<Align> {
        self.columns.iter().filter(|c| c.header(terminal).is_some()).map(|c| c.align).collect()
    }
}

/// A bullet: its text, lines continuing it, and nested bullets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Item {
    pub text: Inline,
    pub more: Vec<Inline>,
    pub sub: Vec<Inline>,
}

impl From<Inline> for Item {
    fn from(text: Inline) -> Self {
        Item { text, ..Item::default() }
    }
}

/// A chart the document shows where it has data: its file stem (`io-time`) and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRef {
    pub id: &'static str,
    pub title: String,
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading; level 1 is a section (the terminal shows it as its headline).
    Heading {
        level: u8,
        text: Inline,
    },
    /// A warning above everything else.
    Banner(Inline),
    /// `label: value` lines.
    Facts(Vec<(String, Inline)>),
    Paragraph(Inline),
    Bullets(Vec<Item>),
    Table(Table),
    /// Verdict lines under a tag (`[1]`): the terminal's verdicts.
    Verdict {
        tag: String,
        lines: Vec<Inline>,
    },
    /// A separator (a horizontal rule; a blank line in the terminal).
    Rule,
    /// Preformatted lines, with a caption under them.
    Code {
        lines: Vec<String>,
        caption: Option<Inline>,
    },
    Chart(ChartRef),
    Quote(Inline),
    /// A remark set apart (italic in the document).
    Note(Inline),
}

/// A whole document: blocks in order, each with where it shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub blocks: Vec<(Show, Block)>,
}

impl Document {
    pub fn push(&mut self, show: Show, block: Block) {
        self.blocks.push((show, block));
    }

    /// A block of the document only.
    pub fn doc(&mut self, block: Block) {
        self.push(Show::Document, block);
    }

    /// A block of the document only, when there is one.
    pub fn doc_opt(&mut self, block: Option<Block>) {
        if let Some(b) = block {
            self.doc(b);
        }
    }

    /// A block of the terminal summary only.
    pub fn term(&mut self, block: Block) {
        self.push(Show::Terminal, block);
    }

    /// A heading of the document.
    pub fn heading(&mut self, level: u8, text: impl Into<Inline>) {
        self.doc(Block::Heading { level, text: text.into() });
    }

    /// The blocks a writer shows (`terminal` or the document).
    pub fn visible(&self, terminal: bool) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(move |(show, _)| show.shows(terminal)).map(|(_, b)| b)
    }
}

/// Bullets of plain lines.
pub fn bullets(lines: impl IntoIterator<Item = impl Into<Inline>>) -> Block {
    Block::Bullets(lines.into_iter().map(|l| Item::from(l.into())).collect())
}
