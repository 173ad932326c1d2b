//! Korean, following the wording of the source report (`report-ko.md`).

use std::time::Duration;

use super::{Words, spec_suffix};
use crate::model::{ModelKind, ModelSpec};

pub struct Ko;

impl Words for Ko {
    fn secs(&self, d: Duration) -> String {
        format!("{:.2}초", d.as_secs_f64())
    }
    fn count(&self, n: usize) -> String {
        format!("{n}개")
    }
    fn times(&self, x: f64) -> String {
        format!("{x:.2}배")
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
        format!("🚀 **비동기가 약 {x:.1}배 빠름!**")
    }
    fn sync_faster(&self, x: f64) -> String {
        format!("🐢 **동기가 약 {x:.1}배 빠름.**")
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
        "비동기 (tokio + reqwest)"
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

    fn model_name(&self, m: &ModelSpec) -> String {
        let base = match m.kind {
            ModelKind::Sequential => return "동기 (순차)".into(),
            ModelKind::Threads => "멀티스레드",
            ModelKind::Async if m.n.is_none() => return "비동기 (동시 실행)".into(),
            ModelKind::Async => "비동기, 동시 요청 제한",
            ModelKind::AsyncMt => "비동기, 멀티스레드 런타임",
        };
        format!("{base}{}", spec_suffix(m))
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
    fn settings_line(&self, keep_alive: bool, timeout: &str, connect_timeout: &str) -> String {
        let ka = if keep_alive { "켜짐 (연결 재사용)" } else { "꺼짐 (요청마다 새 연결)" };
        format!("**Keep-alive:** {ka}; **타임아웃:** 요청당 {timeout}, 연결 {connect_timeout}; 재시도 없음")
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
        "⚠️ **이 실행은 중단되었습니다: 중단 전까지 측정한 결과만 담겨 있습니다.**"
    }
    fn headers_note(&self, names: &str) -> String {
        format!("**추가 헤더:** {names} (값은 기록하지 않음)")
    }
}
