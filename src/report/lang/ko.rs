//! Korean, following the wording of the source report (`report-ko.md`).

use std::time::Duration;

use super::{ChartWords, GilEvidence, Words, ratio_text, spec_suffix};
use crate::analysis::scaling::Usl;
use crate::analysis::stats::RatioStat;
use crate::analysis::sweep::Diagnosis;
use crate::record::{ModelKind, ModelSpec};

pub struct Ko;

impl Words for Ko {
    fn secs(&self, d: Duration) -> String {
        format!("{:.2}초", d.as_secs_f64())
    }
    fn interval_note(&self, r: &RatioStat) -> String {
        match (r.ci95, r.significant()) {
            (Some((lo, hi)), Some(true)) => format!("(95% 신뢰구간 {lo:.2}–{hi:.2}배, {}회 실행)", r.n),
            (Some((lo, hi)), _) => format!("(95% 신뢰구간 {lo:.2}–{hi:.2}배, {}회 실행: 유의하지 않음)", r.n),
            (None, _) if r.n <= 1 => "(1회 실행: 신뢰구간 없음; --runs 6 이상 권장)".into(),
            (None, _) => format!("({}회 실행: 95% 신뢰구간을 내기에 너무 적음; --runs 6 이상 권장)", r.n),
        }
    }
    fn count(&self, n: usize) -> String {
        format!("{n}개")
    }
    fn s1_title(&self) -> &'static str {
        "비동기 vs 동기 API 호출 성능 비교"
    }
    fn total_requests(&self) -> &'static str {
        "총 요청 수"
    }
    fn async_test(&self) -> &'static str {
        "[1] 비동기 방식 테스트"
    }
    fn sync_test(&self) -> &'static str {
        "[2] 동기 방식 테스트"
    }
    fn done_responses(&self, ok: u64, failed: u64) -> String {
        if failed == 0 {
            format!("✓ 완료: {ok}개 응답")
        } else {
            format!("✓ 완료: {ok}개 응답, ✗ {failed}개 실패")
        }
    }
    fn time_label(&self) -> &'static str {
        "⏱ 소요 시간"
    }
    fn for_sample(&self, n: usize) -> String {
        format!("({n}개 기준)")
    }
    fn results(&self) -> &'static str {
        "📊 결과 비교"
    }
    fn col_model(&self) -> &'static str {
        "방식"
    }
    fn col_time(&self) -> &'static str {
        "소요 시간"
    }
    fn col_peak_memory(&self) -> &'static str {
        "피크 메모리 (힙)"
    }
    fn row_async_n(&self, n: usize) -> String {
        format!("비동기 ({n}개)")
    }
    fn row_sync_estimated(&self, n: usize) -> String {
        format!("동기 예상 ({n}개)")
    }
    fn row_sync(&self, n: usize) -> String {
        format!("동기 ({n}개)")
    }
    fn async_faster(&self, x: f64) -> String {
        format!("🚀 **비동기가 약 {}배 빠름!**", ratio_text(x))
    }
    fn sync_faster(&self, x: f64) -> String {
        format!("🐢 **동기가 약 {}배 빠름.**", ratio_text(x))
    }

    fn s2_title(&self) -> &'static str {
        "비동기 vs 멀티스레드 API 호출 성능 비교"
    }
    fn pool_workers(&self) -> &'static str {
        "스레드 풀 워커 수"
    }
    fn threads_test(&self) -> &'static str {
        "[2] 멀티스레드 방식 테스트"
    }
    fn memory_line(&self, current: &str, peak: &str) -> String {
        format!("💾 메모리: 현재 {current}, 피크 {peak}")
    }
    fn row_async_client(&self) -> &'static str {
        "비동기 (tokio)"
    }
    fn row_threads_pool(&self, n: usize) -> String {
        format!("멀티스레드 (ThreadPool, 워커 {n}개)")
    }
    fn speed_verdict_async(&self, x: f64) -> String {
        format!("⏱ **속도:** 비동기가 약 {x:.2}배 빠름!")
    }
    fn speed_verdict_threads(&self, x: f64) -> String {
        format!("⏱ **속도:** 멀티스레드가 약 {x:.2}배 빠름!")
    }
    fn memory_verdict_threads(&self, x: f64) -> String {
        format!("💾 **메모리:** 멀티스레드가 약 {x:.2}배 적게 사용!")
    }
    fn memory_verdict_async(&self, x: f64) -> String {
        format!("💾 **메모리:** 비동기가 약 {x:.2}배 적게 사용!")
    }

    fn s3_title(&self, kind: ModelKind) -> &'static str {
        match kind {
            ModelKind::Threads => "멀티스레드 워커 수 증가에 따른 성능 변화 테스트",
            ModelKind::GilThreads => "GIL 아래 멀티스레드 워커 수 증가에 따른 성능 변화 테스트",
            ModelKind::Processes => "멀티프로세스 워커 수 증가에 따른 성능 변화 테스트",
            ModelKind::Rayon => "작업 훔치기 풀 크기에 따른 성능 변화 테스트",
            _ => "비동기 동시 요청 제한에 따른 성능 변화 테스트",
        }
    }
    fn settings_tested(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "테스트 워커 수",
            _ => "테스트 동시 요청 제한",
        }
    }
    fn baseline_test(&self, baseline: &ModelSpec) -> String {
        format!("[기준] {} 테스트", self.model_name(baseline))
    }
    fn point_test(&self, kind: ModelKind, n: usize) -> String {
        match kind {
            ModelKind::Threads => format!("[워커 {n}개] 멀티스레드 테스트"),
            ModelKind::GilThreads => format!("[워커 {n}개] GIL 아래 멀티스레드 테스트"),
            ModelKind::Processes => format!("[워커 {n}개] 멀티프로세스 테스트"),
            ModelKind::Rayon => format!("[워커 {n}개] 작업 훔치기 풀 테스트"),
            ModelKind::AsyncMt => format!("[제한 {n}개] 비동기 (멀티스레드 런타임) 테스트"),
            _ => format!("[제한 {n}개] 비동기 테스트"),
        }
    }
    fn done_time_memory(&self, time: &str, memory: &str) -> String {
        format!("✓ 완료: {time} | 피크 메모리: {memory}")
    }
    fn vs_baseline(&self, x: f64) -> String {
        format!("기준 대비 {x:.2}배")
    }
    fn summary(&self) -> &'static str {
        "📊 결과 요약"
    }
    fn col_setting(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "워커 수",
            _ => "동시 요청 제한",
        }
    }
    fn col_vs_baseline(&self) -> &'static str {
        "기준 대비"
    }
    fn baseline_row(&self) -> &'static str {
        "1.00x (기준)"
    }
    fn analysis(&self) -> &'static str {
        "📈 분석"
    }
    fn settings_span(&self, kind: ModelKind, first: usize, last: usize, ratio: f64) -> String {
        let what = if kind.takes_workers() { "워커 수" } else { "동시 요청 제한" };
        format!("{what} {first} → {last} ({ratio:.1}배 증가)")
    }
    fn speedup_line(&self, speedup: f64, ideal: f64) -> String {
        format!("속도 향상: {speedup:.2}배 (이상적이라면 {ideal:.1}배)")
    }
    fn possible_line(&self, requests: usize, possible: f64) -> String {
        format!("요청 {requests}개로는 리틀의 법칙상 이 범위에서 최대 {possible:.1}배까지만 가능")
    }
    fn efficiency_line(&self, pct: f64) -> String {
        format!("효율성: {pct:.1}%")
    }
    fn not_reached(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "❌ **테스트한 워커 수 범위 내에서 기준 성능에 도달하지 못함**",
            _ => "❌ **테스트한 범위 내에서 기준 성능에 도달하지 못함**",
        }
    }
    fn reached(&self, kind: ModelKind, n: usize) -> String {
        match kind {
            k if k.takes_workers() => format!("✅ **워커 {n}개에서 기준 성능에 도달 (5% 이내)**"),
            _ => format!("✅ **동시 요청 제한 {n}개에서 기준 성능에 도달 (5% 이내)**"),
        }
    }
    fn diminishing(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "⚠️ **수확체감 현상 발생!** 워커 수 증가 대비 성능 향상이 크지 않음",
            _ => "⚠️ **수확체감 현상 발생!** 동시 요청 제한 증가 대비 성능 향상이 크지 않음",
        }
    }
    fn diminishing_definition(&self) -> &'static str {
        "> 수확 체감(Diminishing Returns)은 경제학 법칙으로, 다른 생산요소는 고정된 채 특정 생산요소(예: 노동력, 비료)만 추가 투입할 때, 생산량의 증가분(한계 생산량)이 점차 감소하는 현상을 말합니다."
    }
    fn why_title(&self) -> &'static str {
        "🔎 원인 분석"
    }
    fn knee_line(&self, kind: ModelKind, n: usize, pct: f64, requests: Option<usize>) -> String {
        let what = if kind.takes_workers() { format!("워커 {n}개") } else { format!("동시 요청 제한 {n}개") };
        let why = requests.map_or(String::new(), |r| {
            format!(
                ": 요청이 {r}개뿐이라 동시에 처리 중인 요청은 {r}개를 넘을 수 없으므로 더 늘려도 소용없음 (리틀의 법칙)"
            )
        });
        format!("**꺾이는 지점:** {what} 이후로는 두 배로 늘려도 속도 향상이 {pct:.0}% 미만{why}")
    }
    fn no_knee_line(&self, pct: f64) -> String {
        format!("**꺾이는 지점 없음:** 마지막 구간에서도 두 배당 {pct:.0}% 이상 빨라짐")
    }
    fn diagnosis(&self, d: &Diagnosis, kind: ModelKind) -> String {
        let at = |n: usize| {
            if kind.takes_workers() { format!("워커 {n}개") } else { format!("동시 요청 제한 {n}개") }
        };
        match *d {
            Diagnosis::NearIdeal { worst_to_ideal } => format!(
                "**병목: 없음.** 모든 측정점이 이상적 시간의 {worst_to_ideal:.2}배 이내: 동시 처리를 제한하지 않는 서버에서 리틀의 법칙이 예측하는 대로 거의 이상적으로 확장됨."
            ),
            Diagnosis::ServerCap { setting, cap, peak_inflight, queued, mean_wait_ms } => format!(
                "**병목: 서버의 동시 처리 제한.** {}에서 서버는 한 번에 최대 {peak_inflight}개 요청만 처리했고(제한 {cap}개), {queued}개 요청이 서버 대기열에서 평균 {mean_wait_ms:.1} ms 기다림. 클라이언트 동시성을 늘려도 대기열만 길어짐.",
                at(setting)
            ),
            Diagnosis::InterpreterLock { setting, cost_ms, cap_per_s, measured_per_s, wait_share } => format!(
                "**병목: 인터프리터 락에 직렬화된 클라이언트 CPU.** 요청마다 클라이언트 CPU {cost_ms:.2} ms를 락 하나를 쥔 채 쓰므로 스레드를 아무리 늘려도 초당 {cap_per_s:.0}개 요청을 넘을 수 없음; {}에서 클라이언트는 초당 {measured_per_s:.0}개 요청을 보냈고 스레드들은 시간의 {:.0}%를 락 대기에 씀. 원본 보고서의 정체 구간이 바로 이것: 스레드를 늘려도 처리량은 그대로.",
                at(setting),
                wait_share * 100.0
            ),
            Diagnosis::ClientCpu { setting, cores_used, cores } => format!(
                "**병목: 클라이언트 CPU.** {}에서 클라이언트가 코어 {cores}개 중 {cores_used:.2}개를 계속 사용: 요청을 더 빨리 보낼 수 없음.",
                at(setting)
            ),
            Diagnosis::RampUp { setting, ramp_up_ms, concurrency, median_latency_ms } => format!(
                "**병목: 시작 비용.** {}에서 클라이언트가 요청 {concurrency}개를 모두 시작하는 데 {ramp_up_ms:.1} ms가 걸림(스레드 생성, 연결 수립). 요청 하나는 중앙값 {median_latency_ms:.1} ms: 서버가 아니라 시작 비용이 이상적 시간을 가로막음.",
                at(setting)
            ),
            Diagnosis::RequestOverhead { setting, client_median_ms, server_mean_ms } => format!(
                "**병목: 요청마다 붙는 부가 비용.** {}에서 요청 하나가 클라이언트에서는 중앙값 {client_median_ms:.1} ms 걸렸지만 서버가 쓴 시간은 {server_mean_ms:.1} ms: 차이는 양쪽의 연결과 스케줄링 비용 (클라이언트와 서버가 이 기계의 코어를 나눠 씀).",
                at(setting)
            ),
            Diagnosis::ConnectionSetup { setting, connections_per_request, to_ideal } => format!(
                "**병목: 연결 수립.** Keep-alive가 꺼져 있어 {}에서 서버가 요청당 {connections_per_request:.2}개의 새 연결을 받았고, 이상적 시간의 {to_ideal:.2}배가 걸림.",
                at(setting)
            ),
            Diagnosis::NotInFlight { setting, server_peak, offered } => format!(
                "**병목: 클라이언트.** {}에서 클라이언트는 {offered}개 요청을 동시에 보내려 했지만 서버는 한 번에 최대 {server_peak}개만 받음: 스레드나 연결 생성이 요청을 붙잡고 있음.",
                at(setting)
            ),
            Diagnosis::Beyond { setting, cores_used, cores } => format!(
                "**병목: 클라이언트 바깥.** {}에서 클라이언트는 코어 {cores}개 중 {cores_used:.2}개만 사용해 속도를 제한하는 쪽이 아님. 클라이언트 쪽에서는 서버의 동시 처리·요청률 제한과 네트워크를 구별할 수 없음: 내장 API에 --server-max-inflight를 주고 실행하면 그런 제한이 이름으로 드러남.",
                at(setting)
            ),
            Diagnosis::Unexplained { setting, to_ideal } => format!(
                "**병목: 확인되지 않음.** {}에서 이상적 시간의 {to_ideal:.2}배가 걸렸지만 서버 카운터, 클라이언트 CPU, 연결 수 어느 것으로도 설명되지 않음.",
                at(setting)
            ),
            Diagnosis::NoData => "**병목: 알 수 없음:** 측정된 점이 없음.".into(),
        }
    }
    fn latency_basis(&self, latency: &str, estimated: bool) -> String {
        if estimated {
            format!("이상적 시간은 지연 {latency} 기준이며, 측정된 가장 낮은 중앙값 지연으로 추정함 (외부 대상).")
        } else {
            format!("이상적 시간은 내장 API 지연 {latency} 기준 (리틀의 법칙: ceil(요청 수 / N) × 지연).")
        }
    }
    fn usl_line(&self, usl: &Usl, peak: Option<(f64, f64)>) -> String {
        let peak = match peak {
            Some((n, x)) => format!(" 예측 최대 처리량: N ≈ {n:.0}에서 {x:.0} req/s."),
            None => " 최대점 없음 (κ = 0): 처리량이 점점 느리게 계속 증가.".into(),
        };
        format!(
            "**확장성 모델 적합** (범용 확장성 법칙, 동시성 N에 대한 처리량): X(N) = λN / (1 + σ(N−1) + κN(N−1)), λ = {:.2} req/s, σ (경합) = {:.4}, κ (일관성 비용) = {:.6}, R² = {:.3}.{peak}",
            usl.lambda, usl.sigma, usl.kappa, usl.r_squared
        )
    }
    fn usl_poor(&self, r2: f64) -> String {
        format!("적합도가 낮음 (R² = {r2:.2}): 예측은 조심해서 볼 것.")
    }
    fn usl_too_few(&self, levels: usize) -> String {
        format!(
            "**확장성 모델 적합 없음:** 서로 다른 동시성 수준 {levels}개로는 매개변수 3개를 의미 있게 맞출 수 없음 (최소 4개 필요)."
        )
    }
    fn memory_per_worker(&self, kind: ModelKind, heap_kib: Option<f64>, rss_kib: Option<f64>) -> String {
        let per = if kind.takes_workers() { "워커당" } else { "동시 요청당" };
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1} KiB"));
        format!("**{per} 메모리** (측정 전체의 최소제곱 기울기): 힙 {}, 피크 RSS {}", f(heap_kib), f(rss_kib))
    }
    fn sweep_columns(&self, kind: ModelKind) -> [&'static str; 14] {
        [
            self.col_setting(kind),
            "소요 시간",
            "이상적 시간",
            "이상 대비",
            "기준 대비",
            "초당 요청",
            "p50",
            "p99",
            "피크 힙",
            "피크 RSS",
            "클라이언트 CPU (코어)",
            "서버 최대 동시 처리",
            "대기",
            "요청당 연결",
        ]
    }

    fn s4_title(&self) -> &'static str {
        "멀티스레드 vs 멀티프로세스 CPU 바운드 성능 비교"
    }
    fn cpu_cores(&self) -> &'static str {
        "CPU 코어 수 (사용 가능)"
    }
    fn tasks_label(&self) -> &'static str {
        "작업 수"
    }
    fn work_label(&self) -> &'static str {
        "연산 복잡도"
    }
    fn work_value(&self, lo: u64, hi: u64, kernel: &str) -> String {
        format!("{lo} ~ {hi} 범위 소수 계산 ({kernel})")
    }
    fn cpu_test(&self, index: usize, name: &str) -> String {
        format!("[{index}] {name} 테스트")
    }
    fn vs_sync(&self, x: f64) -> String {
        format!("📈 동기 대비 {x:.2}배 속도")
    }
    fn col_speedup(&self) -> &'static str {
        "속도 향상"
    }
    fn gil_heading(&self) -> &'static str {
        "GIL (Global Interpreter Lock)"
    }
    fn gil_intro(&self) -> &'static str {
        "Python의 GIL은 한 번에 하나의 스레드만 Python 바이트코드 실행. Rust에는 GIL이 없으므로 concbench가 GIL을 흉내 내어(`gil-threads`) 그 효과를 자유 스레드, 프로세스와 나란히 보여줌."
    }
    fn gil_threads_point(&self, speedup: f64) -> String {
        format!(
            "**GIL 아래 멀티스레드:** GIL로 인해 CPU 작업은 실제로 병렬 실행 안 됨 (여기서 {speedup:.2}배)\n  - → 스레드 전환 오버헤드만 추가되어 오히려 느려질 수 있음"
        )
    }
    fn processes_point(&self, speedup: f64) -> String {
        format!(
            "**멀티프로세스:** 각 프로세스가 독립적인 인터프리터(와 GIL) 보유 (여기서 {speedup:.2}배)\n  - → 진정한 병렬 실행 가능, CPU 코어 수만큼 성능 향상"
        )
    }
    fn free_threads_point(&self, speedup: f64) -> String {
        format!(
            "**자유 스레드 (Rust):** 인터프리터 락이 전혀 없음 (여기서 {speedup:.2}배)\n  - → 한 프로세스 안에서 코어 수만큼 진정한 병렬 실행"
        )
    }
    fn theoretical_max(&self, cores: usize) -> String {
        format!("이론적 최대 속도 향상 (코어 수): **{cores}배**")
    }
    fn actual_speedup(&self, name: &str, speedup: f64, efficiency_pct: f64) -> String {
        format!("{name} 실제 속도 향상: **{speedup:.2}배** (효율: {efficiency_pct:.1}%)")
    }
    fn gil_no_effect(&self, speedup: f64) -> String {
        format!("⚠️ **GIL 아래 멀티스레드는 CPU 바운드 작업에서 거의 효과 없음** ({speedup:.2}배)")
    }
    fn a_faster_than_b(&self, a: &str, b: &str, x: f64) -> String {
        format!("✅ **{a}가 {b}보다 {}배 빠름!**", ratio_text(x))
    }
    fn checksum_line(&self, sum: u64, ok: bool) -> String {
        if ok {
            format!("**검증:** 모든 작업을 끝낸 방식은 모두 기준 체와 같은 총 {sum}개의 소수를 셈 ✓")
        } else {
            format!("**검증:** ✗ 어떤 방식의 개수가 기준({sum}개)과 다름")
        }
    }
    fn cpu_columns(&self) -> [&'static str; 11] {
        [
            "방식",
            "모델",
            "소요 시간",
            "속도 향상",
            "효율",
            "직렬 비율 (암달)",
            "피크 힙",
            "피크 RSS",
            "CPU 사용자+시스템",
            "컨텍스트 스위치 (자발/비자발)",
            "검증",
        ]
    }

    fn s5_title(&self, gil_slower: bool) -> &'static str {
        if gil_slower {
            "동기가 멀티스레드(GIL)보다 빠른 이유"
        } else {
            "동기 vs GIL 아래 멀티스레드"
        }
    }
    fn s5_row_gil(&self, time: &str, g: &GilEvidence) -> String {
        match g.slower {
            Some(true) => format!("{time} (오히려 {:.2}초 더 느림!)", g.overhead_s),
            Some(false) => format!("{time} ({:.2}초 빠름)", -g.overhead_s),
            None => format!("{time} ({:+.2}초, 오차 범위 안)", g.overhead_s),
        }
    }
    fn key_line(&self) -> &'static str {
        "**핵심: GIL + 오버헤드** (아래 수치는 모두 이번 실행에서 측정)"
    }
    fn seq_heading(&self) -> &'static str {
        "동기 (순차 실행)"
    }
    fn seq_timeline(&self) -> &'static str {
        "작업1 ████████ → 작업2 ████████ → 작업3 ████████"
    }
    fn seq_points(&self, voluntary: u64, involuntary: u64) -> Vec<String> {
        vec![
            "GIL 경합 없음".into(),
            format!("컨텍스트 스위칭 거의 없음 (자발 {voluntary}회, 비자발 {involuntary}회)"),
            "단순하게 순차 실행".into(),
        ]
    }
    fn gil_heading_n(&self, n: usize) -> String {
        format!("GIL 아래 멀티스레드 (워커 {n}개)")
    }
    fn timeline_label(&self, thread: usize) -> String {
        format!("스레드{}", thread + 1)
    }
    fn timeline_caption(&self, slice_ms: f64, total_ms: f64) -> String {
        format!("(측정값: 실행 첫 {total_ms:.0} ms, 한 글자당 {slice_ms:.0} ms; █ 락 보유, ░ GIL 대기)")
    }
    fn gil_points(&self, n: usize, g: &GilEvidence) -> Vec<String> {
        vec![
            format!(
                "{n}개 스레드가 GIL 하나를 두고 경쟁: 락이 {}번 넘어갔고, 그중 {}번은 {:.0} ms 전환 간격 뒤 대기 스레드의 요청으로 강제됨",
                g.handovers, g.forced_drops, g.switch_interval_ms
            ),
            format!("실제로는 한 번에 1개만 실행됨: 작업 코드 안에 있던 스레드는 최대 {}개", g.peak_inside),
            format!("스레드들이 GIL을 기다린 시간 합계 {:.2}초", g.wait_s),
            format!("결과: 순차 실행 + 오버헤드 = 순차 대비 {:+.2}초", g.overhead_s),
        ]
    }
    fn overheads_title(&self) -> &'static str {
        "멀티스레드의 오버헤드 (측정값)"
    }
    fn overheads_columns(&self) -> [&'static str; 2] {
        ["오버헤드", "이번 실행에서 측정"]
    }
    fn overhead_rows(&self, n: usize, g: &GilEvidence) -> Vec<[String; 2]> {
        vec![
            ["GIL 경합".into(), format!("{n}개 스레드가 GIL 획득을 위해 경쟁; 대기 합계 {:.2}초", g.wait_s)],
            ["컨텍스트 스위칭".into(), format!("자발 {}회 + 비자발 {}회 컨텍스트 스위치", g.voluntary, g.involuntary)],
            ["스레드 생성/관리".into(), format!("측정 시간 안에서 스레드 {}개 생성과 종료 대기", g.threads)],
            ["Lock 대기".into(), format!("GIL 해제/획득 {}번, 강제 해제 {}번", g.handovers, g.forced_drops)],
        ]
    }
    fn conclusion_title(&self) -> &'static str {
        "GIL 아래 CPU 바운드 작업에서 멀티스레드는"
    }
    fn conclusion(&self, g: &GilEvidence) -> Vec<String> {
        vec![
            "병렬 실행 안 됨 (GIL 때문에 한 번에 1개만)".into(),
            "순차 실행과 동일한 작업량 + 추가 오버헤드".into(),
            match g.slower {
                Some(true) => format!("결과적으로 순차 실행보다 {:.2}초 느림 {}", g.overhead_s, g.note),
                Some(false) => format!("이번에는 순차 실행보다 {:.2}초 빠름 {}", -g.overhead_s, g.note),
                None => format!(
                    "이번에는 순차 대비 {:+.2}초: 이번 실행들의 오차 범위 안에서 차이 없음 {}",
                    g.overhead_s, g.note
                ),
            },
        ]
    }
    fn beyond_title(&self) -> &'static str {
        "GIL이 없다면 (원본 보고서 너머)"
    }
    fn beyond_free_threads(&self, n: usize, speedup: f64, efficiency_pct: f64) -> String {
        format!(
            "**자유 스레드 ({n}개):** {speedup:.2}배, 효율 {efficiency_pct:.1}%: Rust 스레드는 인터프리터 락이 없어 프로세스처럼 병렬로 CPU 작업을 하되, 시작 비용과 복사가 없음"
        )
    }
    fn beyond_processes(&self, n: usize, startup_ms: f64, heap: &str, rss: &str) -> String {
        format!(
            "**프로세스 ({n}개):** 시작에 평균 {startup_ms:.1} ms (측정 시간에 포함), 프로세스마다 힙 최대 {heap}, 상주 메모리 {rss} 사용"
        )
    }
    fn beyond_async(&self, speedup: f64) -> String {
        format!(
            "**비동기:** {speedup:.2}배: 이벤트 루프 하나가 한 번에 작업 하나만 실행; 비동기는 CPU 바운드 작업을 빠르게 하지 않음"
        )
    }
    fn beyond_rayon(&self, n: usize, speedup: f64) -> String {
        format!("**작업 훔치기 풀 (rayon, {n}개):** {speedup:.2}배")
    }

    fn spread_title(&self) -> &'static str {
        "얼마나 확실한가: 반복 실행의 소요 시간"
    }
    fn spread_columns(&self) -> [&'static str; 8] {
        ["방식", "실행 수", "중앙값", "평균 ± 표준편차", "최소 … 최대", "중앙값의 95% 신뢰구간", "이상치", "비고"]
    }
    fn schedule_line(&self, runs: usize, warmup: usize, shuffle_seed: Option<u64>) -> String {
        let order = match shuffle_seed {
            Some(seed) => format!("반복마다 섞은 순서로 (시드 {seed})"),
            None => "번갈아 (A B C A B C …)".into(),
        };
        let warm = if warmup > 0 {
            format!(", 각각 기록하지 않는 준비 실행 {warmup}회 뒤")
        } else {
            String::new()
        };
        format!(
            "모든 수치는 방식마다 {runs}회 실행의 중앙값{warm}, 실행 순서는 {order}; 비율은 반복마다 잰 비율의 중앙값이며, 6회 이상이면 중앙값의 95% 신뢰구간(순서통계량, 잡음 분포 가정 없음)을 붙임."
        )
    }
    fn note_first_slow(&self) -> &'static str {
        "첫 실행이 훨씬 느림 (--warmup 1 권장)"
    }
    fn note_large_spread(&self, cv_pct: f64) -> String {
        format!("편차 큼 (표준편차가 평균의 {cv_pct:.0}%)")
    }
    fn note_outliers(&self, n: usize) -> String {
        format!("{n}개 표시 (수정 Z > 14), 제외하지 않음")
    }
    fn busy_warning(&self, load: f64, cores: usize) -> String {
        format!("⚠️ **기계가 바빴음:** 실행 시작 때 코어 {cores}개에 부하 평균 {load:.2}; 수치에 잡음이 있을 수 있음.")
    }

    fn html_heading(&self) -> (&'static str, &'static str) {
        (
            "concbench: 동시성 모델 실측 보고서",
            "이 기계에서 비동기, 스레드, 프로세스, GIL을 직접 측정: 아래 모든 수치는 이번 실행에서 측정한 값",
        )
    }
    fn charts(&self) -> &'static ChartWords {
        &ChartWords {
            io_time: "방식별 전체 요청 소요 시간 (막대: 중앙값, 수염: 최소~최대, 로그 눈금)",
            io_memory: "방식별 피크 힙 메모리 (중앙값)",
            io_latency: "성공한 요청의 지연 분포 (전체 실행): 주어진 시간 안에 응답한 비율",
            scale_time: "워커 수에 따른 소요 시간: 측정값, 이상값 (리틀의 법칙), 기준",
            cpu_speedup: "동기 대비 속도 향상 (중앙값, 95% 신뢰구간)과 사용 가능 코어 수",
            seconds: "소요 시간 (초)",
            heap_mib: "피크 힙 (MiB)",
            latency_ms: "지연 (ms, 로그 눈금)",
            share_of_requests: "요청 비율",
            workers: "N (변화시킨 설정값)",
            measured: "측정값",
            ideal: "이상값 (리틀의 법칙)",
            baseline: "기준",
            speedup: "속도 향상 (배)",
            theoretical_max: "이론적 최대 (코어 수)",
            sequential_line: "동기 (1배)",
            estimated: "예상",
        }
    }

    fn model_name(&self, m: &ModelSpec) -> String {
        let base = match m.kind {
            ModelKind::Sequential => return "동기 (순차)".into(),
            ModelKind::Threads => "멀티스레드",
            ModelKind::Async => "비동기",
            ModelKind::AsyncMt => "비동기, 멀티스레드 런타임",
            ModelKind::Processes => "멀티프로세스",
            ModelKind::GilThreads => "GIL 아래 멀티스레드",
            ModelKind::Rayon => "작업 훔치기 풀 (rayon)",
            // Labelled by spec until the report's py rows are rendered (phase 2 of the CPython issue).
            ModelKind::PySequential | ModelKind::PyThreads | ModelKind::PyAsync | ModelKind::PyProcesses => {
                return m.to_string();
            }
        };
        format!("{base}{}", spec_suffix(m, "워커 {n}개", "제한 {n}개"))
    }
    fn all_title(&self) -> &'static str {
        "전체 측정 결과"
    }
    fn all_columns(&self) -> [&'static str; 12] {
        [
            "방식",
            "모델",
            "성공 / 실패",
            "소요 시간",
            "이상적 시간",
            "초당 요청",
            "p50",
            "p99",
            "피크 힙",
            "종료 시 힙",
            "피크 RSS",
            "CPU 사용자+시스템",
        ]
    }
    fn estimated_mark(&self) -> &'static str {
        "(표본 측정, 전체 시간은 예상치)"
    }
    fn failures_title(&self) -> &'static str {
        "실패"
    }
    fn retries_line(&self, model: &str, retries: u64, ok_after_retry: u64, failed: u64) -> String {
        format!("`{model}`: 재시도 {retries}번; 재시도 뒤 성공한 요청 {ok_after_retry}개, 끝내 실패한 요청 {failed}개")
    }
    fn retry_settings(&self, retries: u32, backoff: &str) -> String {
        if retries == 0 {
            "**재시도:** 없음 (실패는 그대로 실패)".into()
        } else {
            format!(
                "**재시도:** 타임아웃, 끊긴 연결, 429, 5xx에 요청당 최대 {retries}번; 대기 {backoff}부터 두 배씩, 지터 포함; Retry-After 준수"
            )
        }
    }
    fn error_kind_line(&self, model: &str, count: u64, kind: &str, runs: usize, example: &str) -> String {
        format!("✗ `{model}`: {runs}회 실행에서 `{kind}` {count}건 (예: {example})")
    }
    fn failed_cell(&self, model: &str, reason: &str) -> String {
        format!("✗ `{model}` 전체 실패: {reason}")
    }
    fn missing_section(&self, what: &str) -> String {
        format!("_표시하지 않음: 이번 실행에 {what}이(가) 포함되지 않았습니다._")
    }
    fn target_title(&self) -> &'static str {
        "대상과 설정"
    }
    fn target_embedded(&self, profile: &str, mode: &str, cap: Option<usize>) -> String {
        let cap = cap.map_or("동시 처리 제한 없음".to_string(), |c| format!("동시 처리 최대 {c}개"));
        format!("**대상:** 내장 모의 API, 루프백 HTTP ({mode}), 지연 `{profile}`, {cap}")
    }
    fn target_external(&self, url: &str) -> String {
        format!("**대상:** `{url}` (외부 서버: 서버 측 수치는 알 수 없음)")
    }
    fn applied_latency(&self, requested_ms: f64, applied_ms: f64, max_ms: f64) -> String {
        format!(
            "**서버가 실제로 적용한 지연:** 평균 {applied_ms:.2} ms (요청값 {requested_ms:.2} ms, 최대 {max_ms:.2} ms): 타이머는 정밀하지 않으므로 이 값과 비교하세요"
        )
    }
    fn settings_line(&self, keep_alive: bool, prewarm: bool, timeout: &str, connect_timeout: &str) -> String {
        let ka = match (keep_alive, prewarm) {
            (true, false) => "켜짐 (연결 재사용)",
            (true, true) => "켜짐, 비동기 연결은 측정 전에 미리 열어 둠 (--prewarm)",
            (false, _) => "꺼짐 (요청마다 새 연결)",
        };
        format!("**Keep-alive:** {ka}; **타임아웃:** 요청당 {timeout}, 연결 {connect_timeout}")
    }
    fn clients_line(&self, blocking: &str, asynchronous: &str, input: usize, output: usize) -> String {
        format!(
            "**클라이언트:** 블로킹 방식은 {blocking} (연결당 입력 {} KiB + 출력 {} KiB 버퍼), 비동기 방식은 {asynchronous}",
            input / 1024,
            output / 1024
        )
    }
    fn server_peaks(&self) -> &'static str {
        "서버가 본 것 (방식별, 실행 전마다 초기화한 서버 카운터):"
    }
    fn server_peak_row(&self, model: &str, peak: u64, requests: u64, connections: u64) -> String {
        format!("`{model}`: 요청 {requests}개, 최대 동시 처리 {peak}개, 연결 {connections}개")
    }
    fn checksum_ok(&self, bytes: u64) -> String {
        format!("**검증:** 완료된 모든 방식이 같은 {bytes} 바이트의 응답 본문을 받음 ✓")
    }
    fn checksum_mismatch(&self) -> &'static str {
        "**검증:** ✗ 방식마다 받은 응답 본문 바이트 수가 다름: 대상 서버의 응답이 실행마다 다름"
    }
    fn floor_line(&self, model: &str, ratio: f64, floor: &str) -> String {
        format!("`{model}`: 이상적 시간({floor}, 요청 묶음 수 × 지연 1회)의 {ratio:.2}배")
    }
    fn cores_value(&self, granted: usize, online: usize, quota: Option<f64>) -> String {
        match quota {
            Some(q) => format!("{granted}개 (온라인 {online}개 중; cgroup 할당 {q:.2} CPU)"),
            None => format!("{granted}개 (온라인 {online}개 중)"),
        }
    }
    fn env_title(&self) -> &'static str {
        "실행 환경"
    }
    fn env_lines(&self) -> [&'static str; 8] {
        ["OS", "CPU", "사용 가능 코어", "메모리", "부하 평균 (시작 → 끝)", "concbench", "Rust", "시작 시각"]
    }
    fn reading_title(&self) -> &'static str {
        "수치 읽는 법"
    }
    fn reading_notes(&self) -> &'static [&'static str] {
        &[
            "**소요 시간**은 단조 시계로 잰 실제 경과 시간으로, 첫 작업이 시작할 수 있는 시점부터 마지막 작업이 끝난 시점까지입니다. 클라이언트와 런타임 생성은 포함하지 않고, 스레드 생성과 종료 대기는 포함합니다.",
            "**힙**은 할당 횟수와 크기를 세는 할당자로 잰 값으로, Python tracemalloc에 해당합니다. *피크*는 실행 시작 시점보다 늘어난 힙의 최댓값, *종료 시*는 끝날 때의 힙에서 시작 시점의 힙을 뺀 값입니다(클라이언트와 유휴 연결은 아직 살아 있음). 스레드 스택은 힙이 아닙니다.",
            "**피크 RSS**는 클라이언트 프로세스 전체의 상주 메모리(실행 파일, 라이브러리, 사용된 스레드 스택, 힙)이며, 실행마다 커널의 피크 값을 초기화합니다. 모의 API는 별도 프로세스라 포함되지 않습니다.",
            "**이상적 시간**은 지연이 고정된 서버에서 가능한 최소 시간입니다: ceil(요청 수 / 동시성) × 지연 1회.",
            "**예상** 시간(동기)은 표본을 측정해 전체 요청 수로 환산한 값으로, 원본 보고서와 같은 방식입니다.",
        ]
    }
    fn incomplete(&self) -> &'static str {
        "⚠️ **미완성: 이 실행은 중단되었거나 아직 진행 중입니다(interrupted); 지금까지 측정한 결과만 담겨 있습니다.**"
    }
    fn headers_note(&self, names: &str) -> String {
        format!("**추가 헤더:** {names} (값은 기록하지 않음)")
    }
}
