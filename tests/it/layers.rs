//! The layering is enforced, not hoped for: every `crate::` path in `src/` (in `use` trees, types,
//! expressions and macro bodies alike) is resolved to the top-level module it names, and checked
//! against the layer table that README.md shows (between the `layers:` markers). A module may use
//! only the modules its row lists; the table itself must have no circle, and must list every
//! top-level module of `src/` (and nothing else).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The layer table: module → the modules it may use, in README order (bottom first).
fn layer_table() -> Vec<(String, BTreeSet<String>)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("<!-- layers: begin").expect("README.md has a `<!-- layers: begin` marker");
    let end = readme.find("<!-- layers: end").expect("README.md has a `<!-- layers: end` marker");
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split(',')
            .map(|m| m.trim().trim_matches('`').to_string())
            .filter(|m| !m.is_empty() && m != "—" && m != "-")
            .collect()
    };
    readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').collect();
            assert_eq!(cells.len(), 3, "a layer row is `| module | what it is | may use |`: {row}");
            let module = cells[0].trim().trim_matches('`').to_string();
            (module, names(cells[2]))
        })
        .collect()
}

/// The top-level modules of the crate: `src/NAME.rs` and `src/NAME/`, but the crate roots.
fn modules_in_src() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| match (p.is_dir(), p.extension().and_then(|e| e.to_str())) {
            (true, _) => Some(p.file_name()?.to_str()?.to_string()),
            (false, Some("rs")) => Some(p.file_stem()?.to_str()?.to_string()),
            _ => None,
        })
        .filter(|m| m != "lib" && m != "main")
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Where a file sits: its top-level module and how deep below it (`src/a.rs`, `src/a/mod.rs`: 0;
/// `src/a/b.rs`: 1), so `super::` paths can be resolved.
fn place(file: &Path) -> (String, usize) {
    let rel = file.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let top = parts[0].trim_end_matches(".rs").to_string();
    let last = parts.last().unwrap();
    let depth = parts.len() - 1 - usize::from(last == "mod.rs");
    (top, depth)
}

/// Collects the top-level module every path of a file names.
struct Refs {
    depth: usize,
    /// (module named, what was written), for the message.
    found: Vec<(String, String)>,
}

impl Refs {
    fn path(&mut self, segments: &[String]) {
        let mut rest = segments;
        let mut up = 0;
        match rest.first().map(String::as_str) {
            Some("crate") => rest = &rest[1..],
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    up += 1;
                    rest = &rest[1..];
                }
                if up <= self.depth {
                    return; // within the same top-level module
                }
            }
            _ => return,
        }
        if let Some(first) = rest.first() {
            self.found.push((first.clone(), segments.join("::")));
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.path(prefix);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.path(prefix);
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.path(prefix),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }

    /// `crate :: a :: b` and `super :: ...` sequences inside macro bodies (format!, matches!, ...).
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if id == "crate" || id == "super" => {
                    let mut segments = vec![id.to_string()];
                    let mut j = i + 1;
                    // Each further segment is `:` `:` IDENT.
                    while let (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(TokenTree::Ident(next))) =
                        (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        j += 3;
                    }
                    if segments.len() > 1 {
                        self.path(&segments);
                    }
                    i = j.max(i + 1);
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Refs {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.path(&segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        // `#[serde(with = "crate::units::serde_ms")]` names a module in a string.
        let text = attr.meta.to_token_stream_string();
        for piece in text.split('"').filter(|p| p.starts_with("crate::")) {
            let segments: Vec<String> = piece.split("::").map(str::to_string).collect();
            self.path(&segments);
        }
        syn::visit::visit_attribute(self, attr);
    }
}

trait MetaText {
    fn to_token_stream_string(&self) -> String;
}

impl MetaText for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

#[test]
fn the_layer_table_has_no_circle_and_lists_every_module() {
    let table = layer_table();
    let listed: BTreeSet<String> = table.iter().map(|(m, _)| m.clone()).collect();
    assert_eq!(listed.len(), table.len(), "a module is listed twice in README.md's layer table");
    assert_eq!(listed, modules_in_src(), "README.md's layer table and src/ must list the same top-level modules");
    // Bottom first: a row may only use rows above it in the table (which also proves no circle).
    let mut below = BTreeSet::new();
    for (module, uses) in &table {
        for u in uses {
            assert!(listed.contains(u), "{module} may use `{u}`, which is no module");
            assert!(
                below.contains(u),
                "{module} may use {u}, which is not below it in the table: a circle or a wrong order"
            );
        }
        below.insert(module.clone());
    }
}

#[test]
fn no_module_uses_one_its_layer_may_not() {
    let allowed: BTreeMap<String, BTreeSet<String>> = layer_table().into_iter().collect();
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut wrong = BTreeSet::new();
    for file in files {
        let (module, depth) = place(&file);
        if module == "lib" || module == "main" {
            continue; // the crate roots are the top: they may use everything
        }
        let syntax = syn::parse_file(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut refs = Refs { depth, found: Vec::new() };
        refs.visit_file(&syntax);
        let may = allowed.get(&module).unwrap_or_else(|| panic!("{module} is not in README.md's layer table"));
        for (used, written) in refs.found {
            if used != module && !may.contains(&used) {
                let rel = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
                wrong.insert(format!("{rel}: {module} uses {used} (`{written}`)"));
            }
        }
    }
    assert!(wrong.is_empty(), "uses the layer table does not allow (README.md, Layout):\n{}", {
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    });
}

#[test]
fn the_check_sees_paths_wherever_they_are_written() {
    let source = r#"
        use crate::a::{b, c::D};
        use super::super::e::F;
        fn f() -> crate::g::H { let x = crate::i::j(); matches!(x, crate::k::L); }
        #[serde(with = "crate::m::serde_ms")]
        struct S;
    "#;
    let mut refs = Refs { depth: 1, found: Vec::new() };
    refs.visit_file(&syn::parse_file(source).unwrap());
    let named: BTreeSet<String> = refs.found.into_iter().map(|(m, _)| m).collect();
    assert_eq!(named, ["a", "e", "g", "i", "k", "m"].map(String::from).into_iter().collect());
}
