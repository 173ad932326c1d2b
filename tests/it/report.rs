//! Rendering, from fixed Reports (see `fixtures`): Markdown (en, ko) and the terminal summary as
//! snapshots, JSON round-trips. The figures are the source report's, so the verdicts are easy to check.

use concbench::record::Report;
use concbench::render::{Format, exporter};
use concbench::text::Lang;

use crate::fixtures;

fn fixture() -> Report {
    fixtures::io()
}

fn render(format: Format, lang: Lang) -> String {
    String::from_utf8(exporter(format, lang, false).render(&fixture()).unwrap()).unwrap()
}

#[test]
fn markdown_en_follows_the_source() {
    let md = render(Format::Md, Lang::En);
    assert!(md.contains("🚀 **Async is about 60.1x faster!**"), "{md}");
    assert!(md.contains("⏱ **Speed:** async about 2.66x faster!"));
    assert!(md.contains("💾 **Memory:** multithread uses about 1.23x less!"));
    insta::assert_snapshot!("markdown_en", md);
}

#[test]
fn markdown_ko_follows_the_source() {
    let md = render(Format::Md, Lang::Ko);
    assert!(md.contains("# 비동기 vs 동기 API 호출 성능 비교"));
    assert!(md.contains("| 동기 예상 (200개) | 126.80초 |"), "{md}");
    assert!(md.contains("🚀 **비동기가 약 60.1배 빠름!**"));
    assert!(md.contains("💾 **메모리:** 멀티스레드가 약 1.23배 적게 사용!"));
    insta::assert_snapshot!("markdown_ko", md);
}

#[test]
fn terminal_summary() {
    insta::assert_snapshot!("terminal_en", render(Format::Text, Lang::En));
}

#[test]
fn json_round_trips_and_carries_units() {
    let json = render(Format::Json, Lang::En);
    let back: Report = serde_json::from_str(&json).unwrap();
    assert!(back == fixture(), "the JSON does not read back as the same report");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let run = &v["experiments"][0]["cells"][0]["runs"][0];
    assert_eq!(run["wall_ns"], 2_110_000_000u64);
    assert!(run["heap"]["peak_bytes"].is_u64() && run["latency_ok"]["p99_us"].is_u64());
    assert_eq!(v["experiments"][0]["kind"], "io");
}

fn scale_fixture() -> Report {
    fixtures::scale()
}

fn render_scale(lang: Lang) -> String {
    String::from_utf8(exporter(Format::Md, lang, false).render(&scale_fixture()).unwrap()).unwrap()
}

#[test]
fn scale_markdown_reproduces_section_3() {
    let md = render_scale(Lang::En);
    for needle in [
        "# Thread worker count vs performance",
        "- Workers 50 → 1000 (20.0x more)",
        "- Speed-up: 0.98x (ideal would be 20.0x)",
        "- Efficiency: 4.9%",
        "❌ **Did not reach the baseline's performance within the tested worker range**",
        "⚠️ **Diminishing returns!**",
        "Bottleneck: the server's concurrency cap.",
        "3 distinct concurrency levels are too few",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    insta::assert_snapshot!("scale_markdown_en", md);
}

#[test]
fn scale_markdown_ko() {
    let md = render_scale(Lang::Ko);
    for needle in [
        "# 멀티스레드 워커 수 증가에 따른 성능 변화 테스트",
        "- 워커 수 50 → 1000 (20.0배 증가)",
        "- 속도 향상: 0.98배 (이상적이라면 20.0배)",
        "- 효율성: 4.9%",
        "⚠️ **수확체감 현상 발생!** 워커 수 증가 대비 성능 향상이 크지 않음",
        "> 수확 체감(Diminishing Returns)은 경제학 법칙으로",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    insta::assert_snapshot!("scale_markdown_ko", md);
    insta::assert_snapshot!(
        "scale_terminal_en",
        String::from_utf8(exporter(Format::Text, Lang::En, false).render(&scale_fixture()).unwrap()).unwrap()
    );
}

#[test]
fn cpu_markdown_reproduces_sections_4_and_5() {
    let render = |lang| String::from_utf8(exporter(Format::Md, lang, false).render(&fixtures::cpu()).unwrap()).unwrap();
    let en = render(Lang::En);
    for needle in [
        "# Multithread vs multiprocess, CPU-bound",
        "Theoretical maximum speed-up (cores): **2x**",
        "# Why sync beat multithread (under a GIL)",
        "(3.49 s slower!)",
        "it changed hands 3208 times, 3150 of them forced",
        "every model that ran all its tasks counted 930973 primes",
    ] {
        assert!(en.contains(needle), "missing {needle:?} in\n{en}");
    }
    insta::assert_snapshot!("cpu_markdown_en", en);
    let ko = render(Lang::Ko);
    for needle in [
        "# 멀티스레드 vs 멀티프로세스 CPU 바운드 성능 비교",
        "# 동기가 멀티스레드(GIL)보다 빠른 이유",
        "(오히려 3.49초 더 느림!)",
        "**핵심: GIL + 오버헤드**",
        "## 멀티스레드의 오버헤드 (측정값)",
    ] {
        assert!(ko.contains(needle), "missing {needle:?} in\n{ko}");
    }
    insta::assert_snapshot!("cpu_markdown_ko", ko);
}

/// When gil-threads and sequential differ by no more than their runs' noise, section 5 does not
/// claim that sync beat multithread: it says the difference is within the noise.
#[test]
fn section_5_claims_no_winner_within_the_noise() {
    let mut report = fixtures::cpu();
    let concbench::record::Experiment::Cpu(exp) = &mut report.experiments[0] else { unreachable!() };
    let seq: Vec<u64> = exp.cells[0].runs.iter().map(|r| r.measured.wall_ns).collect();
    let gil = exp.cells.iter_mut().find(|c| c.model.to_string() == "gil-threads:2").unwrap();
    for (i, run) in gil.runs.iter_mut().enumerate() {
        // ±1 % around sequential, alternating: ratios straddle 1.
        let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
        run.measured.wall_ns = (seq[i] as f64 * (1.0 + 0.01 * sign)) as u64;
    }
    gil.summary = concbench::analysis::figures::summarize_cell(gil);
    for (lang, title, noise) in [
        (Lang::En, "# Sync vs multithread under a GIL", "no difference beyond the noise of these runs (95% CI"),
        (Lang::Ko, "# 동기 vs GIL 아래 멀티스레드", "오차 범위 안에서 차이 없음 (95% 신뢰구간"),
    ] {
        let md = String::from_utf8(exporter(Format::Md, lang, false).render(&report).unwrap()).unwrap();
        assert!(md.contains(title) && md.contains(noise), "{md}");
        assert!(!md.contains("slower!") && !md.contains("더 느림!"), "{md}");
    }
}

#[test]
fn html_structure_from_fixed_reports() {
    for report in [fixtures::io(), fixtures::scale(), fixtures::cpu()] {
        let html = String::from_utf8(exporter(Format::Html, Lang::Ko, false).render(&report).unwrap()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"ko\">"));
        let charts = concbench::render::charts::all(&report, &concbench::text::Text::new(Lang::Ko)).unwrap();
        assert!(!charts.is_empty());
        assert_eq!(html.matches("<svg").count(), charts.len(), "one inline svg per chart");
        assert!(!html.contains("<img") && !html.contains("<script"));
    }
}

/// Variants of the fixtures that reach the lines the fixtures do not: an interrupted run on a busy
/// machine, missing sections, an external target, retries, a cell that failed.
fn variants() -> Vec<Report> {
    let mut out = vec![fixtures::io(), fixtures::scale(), fixtures::cpu()];
    let mut r = fixtures::io();
    r.complete = false;
    r.environment.load_average_start = Some(5.0);
    r.environment.cgroup_cpu_quota = Some(1.5);
    let concbench::record::Experiment::Io(io) = &mut r.experiments[0] else { unreachable!() };
    io.cells.retain(|c| c.model.to_string() != "sequential");
    io.target.kind = concbench::record::TargetKind::External;
    io.target.embedded = None;
    for run in &mut io.cells[0].runs {
        run.retries = 3;
        run.ok_after_retry = 2;
    }
    io.settings.client.config.retries = 2;
    out.push(r);
    let mut r = fixtures::scale();
    let concbench::record::Experiment::Scale(s) = &mut r.experiments[0] else { unreachable!() };
    s.baseline = None;
    s.settings.baseline = None;
    s.settings.model = concbench::record::ModelKind::Async;
    out.push(r);
    let mut r = fixtures::cpu();
    let concbench::record::Experiment::Cpu(c) = &mut r.experiments[0] else { unreachable!() };
    c.cells[1].runs.clear();
    c.cells[1].status = concbench::record::CellStatus::Failed { reason: "boom".into() };
    out.push(r);
    out.extend(fixtures::py_all());
    // CPython's rows alone (no Rust model to stand beside), a failed py cell, a py-threads run whose
    // GIL came back on.
    for mut r in [fixtures::py_io(), fixtures::py_cpu()] {
        for i in 0..r.experiments.len() {
            let e = &mut r.experiments[i];
            let rust: Vec<usize> = (0..e.cells().len()).filter(|&k| !e.cells()[k].model.kind.is_python()).collect();
            for k in rust {
                e.cell_mut(k).runs.clear();
            }
        }
        out.push(r);
    }
    let mut r = fixtures::py_cpu();
    let concbench::record::Experiment::Cpu(c) = &mut r.experiments[0] else { unreachable!() };
    c.cells[5].runs.clear();
    c.cells[5].status = concbench::record::CellStatus::Failed { reason: "the Python driver died".into() };
    c.cells[6].runs.iter_mut().for_each(|run| run.facts.python.as_mut().unwrap().gil_enabled = true);
    out.push(r);
    out
}

/// Every message the views ask for exists with every argument it needs, in every language.
#[test]
fn rendering_every_variant_misses_no_message() {
    for report in variants() {
        for lang in [Lang::En, Lang::Ko] {
            for format in [Format::Text, Format::Md, Format::Html] {
                exporter(format, lang, false).render(&report).unwrap();
            }
            let a = fixtures::io();
            let c = concbench::compare::compare(&a, &report);
            for f in [concbench::render::CompareFormat::Text, concbench::render::CompareFormat::Md] {
                concbench::render::comparison(&c, f, lang);
            }
        }
    }
    assert_eq!(concbench::text::misses(), 0, "a message, attribute or argument is missing from a catalogue");
}

fn text(report: &Report, lang: Lang) -> String {
    String::from_utf8(exporter(Format::Text, lang, false).render(report).unwrap()).unwrap()
}

/// The terminal summaries of every experiment and of `compare`, in English and in Korean: the
/// Korean ones are Korean throughout (model specs, units and numbers aside) and their columns line
/// up by display width.
#[test]
fn terminal_summaries_in_both_languages() {
    use concbench::render::{CompareFormat, comparison};
    insta::assert_snapshot!("terminal_ko", text(&fixtures::io(), Lang::Ko));
    insta::assert_snapshot!("scale_terminal_ko", text(&fixtures::scale(), Lang::Ko));
    insta::assert_snapshot!("cpu_terminal_en", text(&fixtures::cpu(), Lang::En));
    insta::assert_snapshot!("cpu_terminal_ko", text(&fixtures::cpu(), Lang::Ko));
    let a = fixtures::io();
    let c = concbench::compare::compare(&a, &fixtures::slowed(&a, 0.5));
    insta::assert_snapshot!("compare_terminal_en", comparison(&c, CompareFormat::Text, Lang::En));
    insta::assert_snapshot!("compare_terminal_ko", comparison(&c, CompareFormat::Text, Lang::Ko));
}

/// Every table of the HTML page sits in its own scroll box, so a wide one scrolls inside it and
/// the page itself never scrolls sideways.
#[test]
fn html_tables_scroll_inside_their_own_box() {
    for report in [fixtures::io(), fixtures::scale(), fixtures::cpu()] {
        let html = String::from_utf8(exporter(Format::Html, Lang::En, false).render(&report).unwrap()).unwrap();
        let tables = html.matches("<table>").count();
        assert!(tables > 0);
        assert_eq!(html.matches("<div class=\"table-scroll\">\n<table>").count(), tables, "every table wrapped");
        assert_eq!(html.matches("</table>\n</div>").count(), tables);
        assert!(html.contains(".table-scroll { max-width: 100%; overflow-x: auto;"), "the box scrolls");
        assert!(!html.contains("table { display: block"), "tables stay tables");
    }
}

/// The latency chart's log axis is labelled at three or more round values, even over less than a
/// decade (here 420 ms to 1065 ms).
#[test]
fn the_latency_chart_labels_at_least_three_ticks() {
    let mut report = fixtures::io();
    let concbench::record::Experiment::Io(io) = &mut report.experiments[0] else { unreachable!() };
    for cell in io.cells.iter_mut().filter(|c| !c.runs.is_empty()) {
        let summary = cell.runs[0].latency_ok.unwrap();
        let cdf_us = concbench::record::CDF_QUANTILES.iter().map(|&q| (q, 630_000 + (q * 80_000.0) as u64)).collect();
        cell.latency_ok = Some(concbench::record::LatencyDistribution { summary, cdf_us });
    }
    let charts = concbench::render::charts::all(&report, &concbench::text::Text::new(Lang::En)).unwrap();
    let latency = charts.iter().find(|c| c.id == "io-latency").expect("a latency chart");
    for tick in ["500", "700", "1000"] {
        assert!(latency.svg.contains(&format!(">\n{tick}\n</text>")), "no tick {tick} in\n{}", latency.svg);
    }
}

/// The sweep chart puts N on a log axis: 50, 100, 200 and 1000 each labelled, doublings evenly
/// spaced.
#[test]
fn the_sweep_chart_spaces_n_by_its_logarithm() {
    let charts = concbench::render::charts::all(&fixtures::scale(), &concbench::text::Text::new(Lang::En)).unwrap();
    let svg = &charts.iter().find(|c| c.id == "scale-time").expect("a sweep chart").svg;
    let x_of = |label: &str| -> f64 {
        let end = svg.find(&format!(">\n{label}\n</text>")).unwrap_or_else(|| panic!("no label {label}"));
        let start = svg[..end].rfind("<text").unwrap();
        let tag = &svg[start..end];
        let x = tag.split("x=\"").nth(1).unwrap();
        x[..x.find('"').unwrap()].parse().unwrap()
    };
    let (x50, x100, x200, x1000) = (x_of("50"), x_of("100"), x_of("200"), x_of("1000"));
    assert!((x100 - x50 - (x200 - x100)).abs() <= 2.0, "doublings evenly spaced: {x50} {x100} {x200}");
    let per_decade = (x200 - x100) / 2f64.log10();
    assert!((x1000 - x200 - per_decade * 5f64.log10()).abs() <= 2.0, "1000 where log 1000 is: {x1000}");
}

/// A time to failure is not a speed: when a side's tasks failed (beyond `--min-success`), no
/// ratio or verdict is drawn from it, in any format; the reason is stated instead.
#[test]
fn no_verdict_is_drawn_from_failed_runs() {
    let mut report = fixtures::io();
    let concbench::record::Experiment::Io(io) = &mut report.experiments[0] else { unreachable!() };
    let sequential = io.cells.iter_mut().find(|c| c.model.to_string() == "sequential").unwrap();
    for run in &mut sequential.runs {
        run.failed = run.ok;
        run.ok = 0;
        run.errors
            .insert("timeout".into(), concbench::record::ErrorTally { count: run.failed, example: "no answer".into() });
        run.latency_failed = run.latency_ok.take();
    }
    sequential.summary = concbench::analysis::figures::summarize_cell(sequential);
    for (lang, withheld) in
        [(Lang::En, "No verdict: `sequential` completed 0 of 120 tasks"), (Lang::Ko, "판정 보류: `sequential`")]
    {
        let md = String::from_utf8(exporter(Format::Md, lang, false).render(&report).unwrap()).unwrap();
        assert!(md.contains(withheld), "{md}");
        assert!(!md.contains("60.1"), "no ratio from the failed side: {md}");
        let text = String::from_utf8(exporter(Format::Text, lang, false).render(&report).unwrap()).unwrap();
        assert!(text.contains("[1] ⛔") && !text.contains("60.1"), "{text}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&exporter(Format::Json, Lang::En, false).render(&report).unwrap()).unwrap();
    let ratio = &json["analysis"][0]["ratios"][0];
    assert_eq!(ratio["name"], "async_speedup_vs_sequential");
    assert!(ratio["point"].is_null() && ratio["withheld"].as_str().unwrap().contains("sequential completed 0 of 120"));
    assert_eq!(ratio["sides"][0]["failed"], 120);
    // Stated ratios carry both sides' counts too.
    assert_eq!(json["analysis"][0]["ratios"][1]["sides"][1]["failed"], 0);
}

/// A file of schema version 1 still loads: re-rendered, it is judged by today's rule (its
/// settings read as requiring every task to succeed) and written as version 2.
#[test]
fn results_of_schema_version_1_still_load() {
    let v1 = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/data/v1-io.json");
    let report = concbench::record::load(std::path::Path::new(v1)).unwrap();
    assert_eq!(report.schema_version, 2);
    let md = String::from_utf8(exporter(Format::Md, Lang::En, false).render(&report).unwrap()).unwrap();
    assert!(md.contains("🚀 **Async is about 60.1x faster!**"), "{md}");
    assert!(
        md.contains("No verdict: `threads:50` completed 199 of 200 tasks"),
        "its failed request withholds section 2: {md}"
    );
    let cpu = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/data/v1-cpu.json");
    assert!(concbench::record::load(std::path::Path::new(cpu)).is_ok());
}

fn md(report: &Report, lang: Lang) -> String {
    String::from_utf8(exporter(Format::Md, lang, false).render(report).unwrap()).unwrap()
}

/// The Korean Markdown of `report` has `needles`; its terminal summaries in both languages are
/// the snapshots `NAME_terminal_en` and `NAME_terminal_ko`.
fn korean_and_terminals(name: &str, report: &Report, needles: &[&str]) {
    assert_has(&md(report, Lang::Ko), needles);
    insta::assert_snapshot!(format!("{name}_terminal_en"), text(report, Lang::En));
    insta::assert_snapshot!(format!("{name}_terminal_ko"), text(report, Lang::Ko));
}

/// Fails naming the first of `needles` that `text` lacks.
fn assert_has(text: &str, needles: &[&str]) {
    if let Some(needle) = needles.iter().find(|n| !text.contains(*n)) {
        panic!("missing {needle:?} in\n{text}");
    }
}

/// Sections 4 and 5 with CPython beside Rust: each py model's speed-up is over py-sequential in
/// its own interpreter, the emulated lock, the real one and none share one table with the cores
/// each kept busy, and CPython's processes state their start method.
#[test]
fn py_rows_in_sections_4_and_5_are_measured_against_their_own_interpreter() {
    let en = md(&fixtures::py_cpu(), Lang::En);
    assert_has(
        &en,
        &[
            "| Multithread (CPython ThreadPoolExecutor) (2 workers) [3.11.7, GIL] | 1.15 s | – | 0.96x |",
            "| Multithread (CPython ThreadPoolExecutor) (2 workers) [3.13.5t, no GIL] | 0.70 s | – | 1.93x |",
            "- 📈 1.93x the speed of sync in the same interpreter",
            "**Multithread (CPython 3.11.7, GIL):** CPU work does not run in parallel (0.96x here)",
            "⚠️ **Multithreading has almost no effect on CPU-bound work under CPython's GIL** (0.96x, py-threads:2 [3.11.7, GIL])",
            "is 1.9x faster than Multithread (CPython ThreadPoolExecutor) (2 workers) [3.11.7, GIL]!",
            "⏱ **Sync (CPython) [3.11.7, GIL] took 12.2x the time of Sync (sequential)**",
            "⏱ **Sync (CPython) [3.13.5t, no GIL] took 1.23x the time of Sync (CPython) [3.11.7, GIL]**",
            "## The lock: emulated, real and none (the same tasks)",
            "| Multithread under a GIL (2 workers) | emulated (concbench's GIL) | 0.10 s | 0.94x | 0.98 |",
            "| Multithread (CPython ThreadPoolExecutor) (2 workers) [3.11.7, GIL] | CPython's GIL | 1.15 s | 0.96x | 1.00 |",
            "| Multithread (CPython ThreadPoolExecutor) (2 workers) [3.13.5t, no GIL] | none (free-threaded CPython) | 0.70 s | 1.93x | 1.95 |",
            "[3.11.7, GIL]: 1.00 cores busy with 2 threads on 2 cores: one thread ran at a time",
            "[3.13.5t, no GIL]: 1.95 cores busy with 2 threads on 2 cores: the threads ran in parallel",
            "**CPython 3.11.7 processes (2):** start method fork: each worker took 7.0 ms to start",
        ],
    );
    assert!(!en.contains("include tracing"), "traced nothing, says nothing of tracing: {en}");
    korean_and_terminals(
        "cpu_py",
        &fixtures::py_cpu(),
        &[
            "- 📈 같은 인터프리터의 동기 대비 1.93배 속도",
            "## 락: 흉내 낸 GIL, 실제 GIL, 락 없음 (같은 작업)",
            "| 멀티스레드 (CPython ThreadPoolExecutor) (워커 2개) [3.13.5t, GIL 없음] | 없음 (자유 스레드 CPython) | 0.70초 | 1.93x | 1.95 |",
        ],
    );
}

/// With tracemalloc on, section 4 says what tracing cost and whose times it is in.
#[test]
fn traced_py_times_say_so_where_the_ratios_are() {
    let mut report = fixtures::py_cpu();
    let concbench::record::Experiment::Cpu(c) = &mut report.experiments[0] else { unreachable!() };
    c.settings.python.as_mut().unwrap().tracemalloc = true;
    let en = md(&report, Lang::En);
    assert!(en.contains("slowed an allocation-heavy loop 10.7x in 3.11.7, 12.6x in 3.13.5t."), "{en}");
    assert!(en.contains("in a free-threaded build it also serialises the threads"), "{en}");
    assert!(text(&report, Lang::En).contains("--py-tracemalloc off gives clean timings"));
}

/// The reports with py cells write JSON the committed schema accepts, and read back the same.
#[test]
fn py_fixtures_validate_against_the_schema_and_round_trip() {
    for report in fixtures::py_all() {
        let json = exporter(Format::Json, Lang::En, false).render(&report).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let errors = crate::support::schema_errors(&value);
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(serde_json::from_slice::<Report>(&json).unwrap() == report);
        assert!(report.check().is_ok(), "{:?}", report.check());
    }
}

/// Sections 1 and 2 with CPython beside Rust, in the source's own words: aiohttp against
/// requests, aiohttp against ThreadPoolExecutor; each py model's time against the Rust model of
/// the same concurrency; aiohttp's limit of 100 stated where the source is compared; a limited
/// py-async's latency said to include its wait for a connection slot.
#[test]
fn py_rows_in_sections_1_and_2_follow_the_source() {
    let en = md(&fixtures::py_io(), Lang::En);
    assert_has(
        &en,
        &[
            "### [3] Async (CPython asyncio) test",
            "| Async, asyncio + aiohttp (200) | 2.11 s |",
            "| Sync, requests, estimated (200) | 126.80 s |",
            "🚀 **Async (aiohttp) is about 60.1x faster than sync (requests)!**",
            "⏱ **Async (CPython asyncio) took 3.2x the time of Async**",
            "| Async (asyncio + aiohttp) | 2.11 s | 3.57 MiB |",
            "| Multithread (ThreadPoolExecutor, 50 workers) | 5.61 s | 2.91 MiB |",
            "⏱ **Speed:** async (aiohttp) about 2.66x faster than ThreadPoolExecutor!",
            "💾 **Memory:** ThreadPoolExecutor uses about 1.23x less (tracemalloc)!",
            "**aiohttp's connection limit:** the source kept aiohttp's default of 100 connections per session",
            "`py-async:10 [3.11.7, GIL]`: a request's latency includes its wait for one of the 10 connection slots",
            "**Two meters of heap:**",
        ],
    );
    korean_and_terminals(
        "io_py",
        &fixtures::py_io(),
        &[
            "🚀 **비동기(aiohttp)가 동기(requests)보다 약 60.1배 빠름!**",
            "| 비동기 (asyncio + aiohttp) | 2.11초 | 3.57 MiB |",
            "💾 **메모리:** ThreadPoolExecutor가 약 1.23배 적게 사용 (tracemalloc)!",
        ],
    );
}

/// A ThreadPoolExecutor sweep that keeps one core's worth busy under the GIL while N grows names
/// the interpreter lock as its bottleneck, with the evidence.
#[test]
fn a_py_threads_plateau_names_the_interpreter_lock() {
    let en = md(&fixtures::py_scale(), Lang::En);
    assert_has(
        &en,
        &[
            "# CPython thread worker count vs performance",
            "**Bottleneck: the interpreter lock (CPython's GIL).** From 50 workers to 1000 workers, the client kept only 0.72–0.83 of its 2 cores busy",
            "its CPU time alone, 0.45 s spent one thread at a time, was longer than the ideal 0.10 s",
        ],
    );
    let ko = md(&fixtures::py_scale(), Lang::Ko);
    assert!(ko.contains("**병목: 인터프리터 락 (CPython의 GIL).**"), "{ko}");
    insta::assert_snapshot!("scale_py_terminal_en", text(&fixtures::py_scale(), Lang::En));
    // Free-threaded, the same figures are not the lock's doing.
    let mut free = fixtures::py_scale();
    let concbench::record::Experiment::Scale(s) = &mut free.experiments[0] else { unreachable!() };
    for c in s.points.iter_mut() {
        c.runs.iter_mut().for_each(|r| r.facts.python.as_mut().unwrap().gil_enabled = false);
    }
    assert!(!md(&free, Lang::En).contains("the interpreter lock (CPython's GIL)"));
}

/// Every report with py models says how they ran: the interpreters, whose heap tracemalloc traced
/// and what it cost, what the clients' timeouts bound; the environment block lists each
/// interpreter; allocations are not counted for py rows.
#[test]
fn py_settings_and_interpreters_are_stated() {
    let en = md(&fixtures::py_io(), Lang::En);
    assert_has(
        &en,
        &[
            "## CPython: how the py models ran",
            "- **Interpreters:** 3.11.7, GIL (python3)\n",
            "the driver's Python heap only (a py-processes worker's is not traced), bytes only (allocations are not counted: –)",
            "it slowed an allocation-heavy loop 10.7x in 3.11.7",
            "requests bounds connecting by --connect-timeout 10s and each wait for bytes from the server by --timeout 30s",
            "- **CPython 3.11.7** (`python3` → `/usr/local/bin/python3.11`): ABI cpython-311-x86_64-linux-gnu",
            "HTTP clients aiohttp 3.9.5, requests 2.32.3 in `/root/.cache/concbench/venvs/cpython-3.11.7-0123456789abcdef`.",
        ],
    );
    let cpu = md(&fixtures::py_cpu(), Lang::En);
    assert!(cpu.contains("**Heap of the py rows:** not traced (--py-tracemalloc off, for clean timings): –"), "{cpu}");
    assert!(cpu.contains("a free-threaded build, GIL off; multiprocessing start method fork."), "{cpu}");
    let csv = String::from_utf8(exporter(Format::Csv, Lang::En, false).render(&fixtures::py_io()).unwrap()).unwrap();
    let py = csv.lines().find(|l| l.starts_with("io,py-async,\"3.11.7, GIL\",")).unwrap();
    assert!(py.contains(",3743416,1279262,,"), "no allocation count for a py row: {py}");
}

/// The user's own task is explained with its own sections: what ran, time, memory, speed-up and
/// efficiency against py-sequential, what bounds each model, memory per worker, the models left
/// out, the exceptions by type, the check of the results; nothing of HTTP clients or of
/// reconciling the server's counters.
#[test]
fn a_user_task_is_explained_in_its_own_terms() {
    let en = md(&fixtures::py_task(), Lang::En);
    assert_has(
        &en,
        &[
            "# Your task under CPython's models",
            "- **Task:** `examples/py_task.py:fetch_and_count` (a plain function)",
            "- **Calls:** 40 (task ids 0 … 39)",
            "| Multiprocess (CPython ProcessPoolExecutor) (8 workers) | `py-processes:8 [3.11.7, GIL]` | 40 / 0 | 0.64 s | 6.95x | 86.9% | 0.26 |",
            "- **Sync (CPython):** one call after another (0.07 cores busy): what the others are measured against",
            "bound by waiting on I/O: only 0.49 cores busy",
            "its 8 calls at once overlapped as they could",
            "⚠ failed tasks over all runs: py-sequential [3.11.7, GIL] 0 of 240, py-threads:8 [3.11.7, GIL] 2 of 240",
            "Multiprocess (CPython ProcessPoolExecutor) (8 workers): 28.00 MiB of resident memory per process",
            "- ✅ **Fastest: Multiprocess (CPython ProcessPoolExecutor) (8 workers), 6.95x py-sequential**",
            "- **Not run:** `py-async`: py-async awaits an async def",
            "`py-threads:8 [3.11.7, GIL]`: 2 × `exception:ValueError` over 6 runs (e.g. ValueError: item 7 is odd (py_task.py:42 in fetch_and_count))",
            "- **Bound on each call:** each call at most 5s",
        ],
    );
    for absent in ["Async vs sync", "Keep-alive", "body bytes", "Integrity", "| Ideal"] {
        assert!(!en.contains(absent), "{absent:?} has no place in a task's report:\n{en}");
    }
    let ko = md(&fixtures::py_task(), Lang::Ko);
    assert!(ko.contains("# CPython 방식별 사용자 작업 실행") && ko.contains("I/O 대기가 한계"), "{ko}");
    let terminal = text(&fixtures::py_task(), Lang::En);
    assert!(terminal.starts_with("concbench task: examples/py_task.py:fetch_and_count, 40 calls"), "{terminal}");
    assert!(terminal.contains("Not run: `py-async`") || terminal.contains("Not run: py-async"), "{terminal}");
    insta::assert_snapshot!("task_py_terminal_en", terminal);
    insta::assert_snapshot!("task_py_terminal_ko", text(&fixtures::py_task(), Lang::Ko));
}
