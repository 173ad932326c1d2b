//! `report.html` as a reader sees it: the page of a real short run, in English and in Korean, and
//! every golden page (each kind of section), laid out by headless Chromium (Debian's, driven over the DevTools protocol) at a desktop width
//! (1100 px) and a phone's (375 px). From the laid-out page: it never scrolls sideways; at 1100 px
//! every table shows all its columns without scrolling; every chart has a size and keeps its text
//! inside it; no request leaves the page; Korean text is drawn with a font that has Hangul.
//!
//! Chromium comes from Debian's packages (`scripts/ci-prereqs.sh` installs it with a CJK font);
//! without it the test says it was skipped, and under CI (`CONCBENCH_CI=1`) it fails instead.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use headless_chrome::protocol::cdp::{CSS, DOM, Emulation};
use headless_chrome::{Browser, LaunchOptions, Tab};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The widths every page is laid out at.
const WIDTHS: [u32; 2] = [1100, 375];

/// Chromium's path, or `None` (with the reason printed) when it is missing outside CI.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CONCBENCH_CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CONCBENCH_CI").is_none(),
        "{} is missing in CI: scripts/ci-prereqs.sh installs Debian's chromium",
        path.display()
    );
    eprintln!("{} is missing: the browser test is SKIPPED (scripts/ci-prereqs.sh installs it)", path.display());
    None
}

/// A real short run's report, in English and re-rendered in Korean.
fn pages(dir: &Path) -> [PathBuf; 2] {
    let exe = env!("CARGO_BIN_EXE_concbench");
    let en = dir.join("en");
    let run = Command::new(exe)
        .args(["suite", "--size", "smoke", "--runs", "1", "--quiet", "--out"])
        .arg(&en)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let ko = dir.join("ko");
    let render = Command::new(exe)
        .arg("report")
        .arg(en.join("results.json"))
        .args(["--format", "html", "--lang", "ko", "--out"])
        .arg(&ko)
        .output()
        .unwrap();
    assert!(render.status.success(), "{}", String::from_utf8_lossy(&render.stderr));
    [en.join("report.html"), ko.join("report.html")]
}

/// The golden reports' pages (`tests/it/golden/*.html`): every section a report can have (CPython's
/// rows, the user's task, the open model and capacity sweep), in both languages.
fn golden_pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/golden");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 16, "the golden pages are missing from {}", dir.display());
    pages
}

fn launch(chromium: PathBuf, profile: &Path) -> Browser {
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1100, 900)))
        .user_data_dir(Some(profile.to_path_buf()))
        .args(args)
        .build()
        .unwrap();
    Browser::new(options).expect("Chromium starts")
}

/// What the laid-out page says about itself.
const MEASURE: &str = r#"(() => {
  const box = r => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom, w: r.width, h: r.height });
  const tables = [...document.querySelectorAll('.table-scroll')].map(d => ({
    scroll: d.scrollWidth, client: d.clientWidth,
    head: [...d.querySelectorAll('th')].map(th => th.textContent).join(' | ')
  }));
  const charts = [...document.querySelectorAll('figure.chart svg')].map(svg => {
    const r = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '');
    const outside = texts.map(t => [t.textContent, box(t.getBoundingClientRect())])
      .filter(([_, b]) => b.w > 0 && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1))
      .map(([text]) => text);
    return { id: svg.closest('figure').id, w: r.width, h: r.height, texts: texts.length, outside };
  });
  return JSON.stringify({
    viewport: window.innerWidth,
    page: document.documentElement.scrollWidth,
    tables, charts,
    resources: performance.getEntriesByType('resource').map(e => e.name)
  });
})()"#;

#[derive(Debug, serde::Deserialize)]
struct Layout {
    viewport: f64,
    page: f64,
    tables: Vec<TableBox>,
    charts: Vec<ChartBox>,
    resources: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct TableBox {
    scroll: f64,
    client: f64,
    head: String,
}

#[derive(Debug, serde::Deserialize)]
struct ChartBox {
    id: String,
    w: f64,
    h: f64,
    texts: usize,
    outside: Vec<String>,
}

fn layout(tab: &Tab, width: u32) -> Layout {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height: 900,
        device_scale_factor: 1.0,
        mobile: width < 600,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
    let value = tab.evaluate(MEASURE, false).unwrap().value.expect("the page measures itself");
    serde_json::from_str(value.as_str().unwrap()).unwrap()
}

/// The font families Chromium drew a node's text with.
fn fonts_of(tab: &Tab, selector: &str) -> Vec<String> {
    tab.call_method(DOM::Enable { include_whitespace: None }).unwrap();
    tab.call_method(CSS::Enable(None)).unwrap();
    let node_id = tab.find_element(selector).unwrap().node_id;
    let used = tab.call_method(CSS::GetPlatformFontsForNode { node_id }).unwrap();
    used.fonts.into_iter().filter(|f| f.glyph_count > 0.0).map(|f| f.family_name).collect()
}

/// Font families known to hold Hangul.
const HANGUL_FONTS: [&str; 6] = ["CJK", "Nanum", "Malgun", "Apple SD Gothic", "UnDotum", "Baekmuk"];

#[test]
fn the_report_lays_out_in_a_real_browser_in_both_languages_and_widths() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pages = pages(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(chromium, profile.path());
    let tab = browser.new_tab().unwrap();
    let requests = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = requests.clone();
    tab.enable_request_interception(Arc::new(
        move |_transport, _session, event: headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent| {
            seen.lock().unwrap().push(event.params.request.url.clone());
            headless_chrome::browser::tab::RequestPausedDecision::Continue(None)
        },
    ))
    .unwrap();
    tab.enable_fetch(None, None).unwrap();
    let mut problems = Vec::new();
    // The golden pages first (every kind of section, fixed figures), then the real run's, the
    // Korean one last (its fonts are read below).
    let golden = golden_pages();
    let named = golden.iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p));
    let run = pages.iter().map(|p| (p.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned(), p));
    for (name, page) in named.chain(run) {
        let url = format!("file://{}", page.display());
        tab.navigate_to(&url).unwrap().wait_until_navigated().unwrap();
        for width in WIDTHS {
            let l = layout(&tab, width);
            let at = format!("{name} at {width} px");
            eprintln!(
                "{at}: page {} px in a {} px viewport; tables {:?}",
                l.page,
                l.viewport,
                l.tables.iter().map(|t| (t.scroll, t.client)).collect::<Vec<_>>()
            );
            if l.page > l.viewport + 0.5 {
                problems.push(format!("{at}: the page scrolls sideways ({} px wide)", l.page));
            }
            for t in l.tables.iter().filter(|t| width >= 1100 && t.scroll > t.client + 1.0) {
                problems
                    .push(format!("{at}: a table hides columns ({} of {} px shown): {}", t.client, t.scroll, t.head));
            }
            for c in &l.charts {
                if c.w < 10.0 || c.h < 10.0 || c.texts == 0 {
                    problems.push(format!("{at}: chart {} is empty ({}x{} px, {} texts)", c.id, c.w, c.h, c.texts));
                }
                if !c.outside.is_empty() {
                    problems.push(format!("{at}: chart {} draws text outside itself: {:?}", c.id, c.outside));
                }
            }
            if l.charts.is_empty() {
                problems.push(format!("{at}: no chart"));
            }
            if !l.resources.is_empty() {
                problems.push(format!("{at}: the page loaded {:?}", l.resources));
            }
        }
    }
    let fonts = fonts_of(&tab, "main h1");
    eprintln!("the Korean page's first heading is drawn with {fonts:?}");
    if !fonts.iter().any(|f| HANGUL_FONTS.iter().any(|h| f.contains(h))) {
        problems.push(format!("Korean headings are drawn with {fonts:?}, none with Hangul glyphs"));
    }
    let outbound: Vec<String> =
        requests.lock().unwrap().iter().filter(|u| !u.starts_with("file://")).cloned().collect();
    if !outbound.is_empty() {
        problems.push(format!("requests left the page: {outbound:?}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
