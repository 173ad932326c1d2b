## concbench의 한국어 문구: 원본 보고서(report-ko.md)의 표현을 따름. 터미널 요약, 보고서, 차트, `compare`.
## 숫자는 형식이 정해진 채로 들어오고, `$strong`(과 메시지가 이름 붙인 속성)은 작성기가 굵게 씀.
## `$concurrency`는 방식의 N 종류: pool(풀 크기), limit(동시 요청 제한), one.

## 단위와 비율의 확실성.

unit-secs = { $s }초
unit-count = { $n }개
interval-significant = (95% 신뢰구간 { $lo }–{ $hi }배, { $n }회 실행)
interval-not-significant = (95% 신뢰구간 { $lo }–{ $hi }배, { $n }회 실행: 유의하지 않음)
integrity-title = 무결성: 서버 카운터와 클라이언트 수치 대조
integrity-banner = ⚠ 내장 API의 자체 카운터가 { $n }회 실행에서 클라이언트 수치와 맞지 않음: 그 수치는 믿을 수 없음 ("무결성" 참조, 종료 코드 1).
integrity-requests-exact = { $model }, { $round }번째 실행: 클라이언트의 시도 { $tries }번이 모두 성공했는데 서버는 요청 { $server }개를 셈 (실행 중 카운터가 초기화되었거나 공유됨)
integrity-requests-bound = { $model }, { $round }번째 실행: 서버가 센 요청 { $server }개를 클라이언트의 시도 { $tries }번과 그 성공으로 설명할 수 없음
integrity-answers = { $model }, { $round }번째 실행: 성공 { $ok }개인데 서버가 응답한 요청은 { $answered }개
integrity-peak = { $model }, { $round }번째 실행: 서버가 동시에 처리한 요청 { $peak }개가 방식의 동시성 { $concurrency }보다 많음
integrity-statuses = { $model }, { $round }번째 실행: 클라이언트가 본 오류 상태 { $client }개가 서버가 보낸 { $server }개보다 많음
integrity-resets-refused = 비밀값 없이 내장 API 카운터를 초기화하려는 시도 { $n }번을 거부함 (이 기계의 다른 무언가가 시도함).
sweep-excluded = 곡선 분석에서 제외 (요청 실패가 --min-success를 넘음): { $points }
verdict-withheld = ⛔ 판정 보류: { $model }은(는) 작업 { $tasks }개 중 { $ok }개만 완료했고, 시간을 비교하려면 { $needed } 이상 성공해야 함 (실패까지 걸린 시간은 속도가 아님; --min-success로 완화 가능).
verdict-failures = ⚠ 전체 실행 중 실패한 작업: { $a } { $ta }개 중 { $fa }개, { $b } { $tb }개 중 { $fb }개
ratio-withheld = 보류
interval-one-run = (1회 실행: 신뢰구간 없음; --runs 6 이상 권장)
interval-too-few = ({ $n }회 실행: 95% 신뢰구간을 내기에 너무 적음; --runs 6 이상 권장)

## 방식: 종류마다 이름(`ModelInfo::label`), 그 스윕의 제목, 스윕 테스트에서의 이름; N을 말로.

model-sequential = 동기 (순차)
model-threads = 멀티스레드
    .sweep = 멀티스레드 워커 수 증가에 따른 성능 변화 테스트
    .test = 멀티스레드
model-async = 비동기
    .sweep = 비동기 동시 요청 제한에 따른 성능 변화 테스트
    .test = 비동기
model-async-mt = 비동기, 멀티스레드 런타임
    .sweep = 비동기 동시 요청 제한에 따른 성능 변화 테스트
    .test = 비동기 (멀티스레드 런타임)
model-processes = 멀티프로세스
    .sweep = 멀티프로세스 워커 수 증가에 따른 성능 변화 테스트
    .test = 멀티프로세스
model-gil-threads = GIL 아래 멀티스레드
    .sweep = GIL 아래 멀티스레드 워커 수 증가에 따른 성능 변화 테스트
    .test = GIL 아래 멀티스레드
model-rayon = 작업 훔치기 풀 (rayon)
    .sweep = 작업 훔치기 풀 크기에 따른 성능 변화 테스트
    .test = 작업 훔치기 풀
model-py-sequential = 동기 (CPython)
model-py-threads = 멀티스레드 (CPython ThreadPoolExecutor)
    .sweep = CPython 멀티스레드 워커 수 증가에 따른 성능 변화 테스트
    .test = 멀티스레드 (CPython)
model-py-async = 비동기 (CPython asyncio)
    .sweep = CPython 비동기 연결 제한에 따른 성능 변화 테스트
    .test = 비동기 (CPython)
model-py-processes = 멀티프로세스 (CPython ProcessPoolExecutor)
    .sweep = CPython 멀티프로세스 워커 수 증가에 따른 성능 변화 테스트
    .test = 멀티프로세스 (CPython)
model-with-n = { $concurrency ->
    [pool] { $model } (워커 { $n }개)
   *[limit] { $model } (제한 { $n }개)
}
interpreter = { $version }, { $gil ->
    [on] GIL
   *[off] GIL 없음
}
model-in-interpreter = { $model } [{ $interpreter }]

## 1장.

s1-title = 비동기 vs 동기 API 호출 성능 비교
total-requests = 총 요청 수
s1-async-test = [1] 비동기 방식 테스트
s1-sync-test = [2] 동기 방식 테스트
done-responses = { $failed ->
    [0] ✓ 완료: { $ok }개 응답
   *[other] ✓ 완료: { $ok }개 응답, ✗ { $failed }개 실패
}
time-label = ⏱ 소요 시간
for-sample = ({ $n }개 기준)
results = 📊 결과 비교
col-model = 방식
col-time = 소요 시간
col-peak-memory = 피크 메모리 (힙)
s1-row-async = 비동기 ({ $n }개)
s1-row-sync = 동기 ({ $n }개)
s1-row-sync-estimated = 동기 예상 ({ $n }개)
s1-async-faster = 🚀 { $strong }
    .strong = 비동기가 약 { $x }배 빠름!
s1-sync-faster = 🐢 { $strong }
    .strong = 동기가 약 { $x }배 빠름.
missing-section = 표시하지 않음: 이번 실행에 { $a }와(과) { $b }이(가) 포함되지 않았습니다.
s1-py-row-async = 비동기, asyncio + aiohttp ({ $n }개)
s1-py-row-sync = 동기, requests ({ $n }개)
s1-py-row-sync-estimated = 동기 예상, requests ({ $n }개)
s1-py-async-faster = 🚀 { $strong }
    .strong = 비동기(aiohttp)가 동기(requests)보다 약 { $x }배 빠름!
s1-py-sync-faster = 🐢 { $strong }
    .strong = 동기(requests)가 비동기(aiohttp)보다 약 { $x }배 빠름.
interpreter-tag = [{ $interpreter }]
runtime-slower = ⏱ { $strong }
    .strong = { $a }은(는) { $b }보다 { $x }배 오래 걸림
runtime-faster = ⏱ { $strong }
    .strong = { $a }이(가) { $b }보다 { $x }배 빠름
py-async-limit-note = { $strong } 원본은 aiohttp의 기본값인 세션당 연결 100개를 그대로 썼음; { $limit ->
    [0] 여기서 py-async는 async처럼 제한이 없어 요청 { $n }개가 모두 동시에 처리될 수 있음
   *[other] 여기서 py-async:{ $limit }는 동시에 { $limit }개까지 허용
} (원본과 같은 설정은 py-async:100).
    .strong = aiohttp의 연결 제한:

## 2장.

s2-title = 비동기 vs 멀티스레드 API 호출 성능 비교
pool-workers = 스레드 풀 워커 수
s2-threads-test = [2] 멀티스레드 방식 테스트
memory-line = 💾 메모리: 현재 { $current }, 피크 { $peak }
s2-row-async = 비동기 (tokio)
s2-row-threads = 멀티스레드 (ThreadPool, 워커 { $n }개)
s2-speed-async = ⏱ { $strong } 비동기가 약 { $x }배 빠름!
    .strong = 속도:
s2-speed-threads = ⏱ { $strong } 멀티스레드가 약 { $x }배 빠름!
    .strong = 속도:
s2-memory-threads = 💾 { $strong } 멀티스레드가 약 { $x }배 적게 사용!
    .strong = 메모리:
s2-memory-async = 💾 { $strong } 비동기가 약 { $x }배 적게 사용!
    .strong = 메모리:
s2-py-row-async = 비동기 (asyncio + aiohttp)
s2-py-row-threads = 멀티스레드 (ThreadPoolExecutor, 워커 { $n }개)
s2-py-speed-async = ⏱ { $strong } 비동기(aiohttp)가 ThreadPoolExecutor보다 약 { $x }배 빠름!
    .strong = 속도:
s2-py-speed-threads = ⏱ { $strong } ThreadPoolExecutor가 비동기(aiohttp)보다 약 { $x }배 빠름!
    .strong = 속도:
s2-py-memory-threads = 💾 { $strong } ThreadPoolExecutor가 약 { $x }배 적게 사용 (tracemalloc)!
    .strong = 메모리:
s2-py-memory-async = 💾 { $strong } 비동기(aiohttp)가 약 { $x }배 적게 사용 (tracemalloc)!
    .strong = 메모리:
s2-heap-note = { $strong } CPython 행의 힙은 tracemalloc 값(원본처럼 드라이버의 Python 힙), Rust 행의 힙은 concbench의 할당 계수기 값: 메모리는 같은 런타임 안에서만 비교할 것.
    .strong = 힙을 재는 방법이 둘:

## 사용자 작업 (concbench task).

task-title = CPython 방식별 사용자 작업 실행
task-function = 작업
task-function-value = { $spec } ({ $flavour ->
    [async] async def
   *[sync] 일반 함수
})
task-calls = 호출 수
task-calls-value = { $n }개 (작업 번호 0 … { $last })
task-workers = 풀 워커 수
task-row = { $strong } { $speed }; { $bound }
    .strong = { $model }:
task-row-base = { $strong } { $bound }
    .strong = { $model }:
task-speed = 같은 인터프리터의 py-sequential 대비 { $x }배 속도, 동시에 실행한 { $n }개 대비 효율 { $pct }%
bound-one = 호출을 하나씩 차례로 실행 (코어 { $used }개 사용): 다른 방식의 비교 기준
bound-scaled = 동시에 실행한 호출 { $n }개가 가능한 만큼 겹쳐 실행됨
bound-startup = 시작 비용이 한계: 워커마다 시작에 { $startup } ms, 실행 시간의 { $pct }%
bound-gil = { $loop ->
    [yes] 이벤트 루프 하나의
   *[no] GIL 아래의
} CPU가 한계: 코어 { $used }개 사용, 작업의 Python 코드는 한 번에 하나씩 실행됨
bound-all-cores = 모든 코어의 CPU가 한계: 코어 { $cores }개 중 { $used }개 사용
bound-waiting = I/O 대기가 한계: 코어 { $used }개만 사용, 호출은 대부분 기다림 (API나 호출한 대상을)
bound-unexplained = 코어 { $used }개 사용; GIL, 코어, 시작 비용, 대기 어느 것으로도 나머지가 설명되지 않음
task-memory = { $strong } { $list }
    .strong = 워커당 메모리:
task-memory-threads = { $model }: 스레드마다 힙 { $bytes } (tracemalloc)
task-memory-processes = { $model }: 프로세스마다 상주 메모리 { $bytes }
task-fastest = ✅ { $strong }
    .strong = 가장 빠름: { $model }, py-sequential 대비 { $x }배
task-checksum-ok = { $strong } 모든 호출을 끝낸 방식은 모두 같은 합 { $sum }을 돌려줌 ✓
    .strong = 검증:
task-checksum-bad = { $strong } ✗ 방식마다 결과의 합이 다름: 작업이 같은 번호에 같은 값을 돌려주지 않음
    .strong = 검증:

## 3장.

s3-settings-tested = { $concurrency ->
    [pool] 테스트 워커 수
   *[limit] 테스트 동시 요청 제한
}
s3-baseline-test = [기준] { $model } 테스트
s3-point-test = { $concurrency ->
    [pool] {"["}워커 { $n }개] { $model } 테스트
   *[limit] {"["}제한 { $n }개] { $model } 테스트
}
done-time-memory = ✓ 완료: { $time } | 피크 메모리: { $memory }
s3-vs-baseline = 기준 대비 { $x }배
summary = 📊 결과 요약
col-setting = { $concurrency ->
    [pool] 워커 수
   *[limit] 동시 요청 제한
}
col-vs-baseline = 기준 대비
s3-baseline-row = 1.00x (기준)
analysis = 📈 분석
s3-span = { $concurrency ->
    [pool] 워커 수
   *[limit] 동시 요청 제한
} { $first } → { $last } ({ $ratio }배 증가)
s3-speedup = 속도 향상: { $speedup }배 (이상적이라면 { $ideal }배)
s3-possible = 요청 { $requests }개로는 리틀의 법칙상 이 범위에서 최대 { $possible }배까지만 가능
s3-efficiency = 효율성: { $pct }%
s3-not-reached = ❌ { $strong }
    .strong = { $concurrency ->
        [pool] 테스트한 워커 수 범위 내에서 기준 성능에 도달하지 못함
       *[limit] 테스트한 범위 내에서 기준 성능에 도달하지 못함
    }
s3-reached = ✅ { $strong }
    .strong = { $concurrency ->
        [pool] 워커 { $n }개에서 기준 성능에 도달 (5% 이내)
       *[limit] 동시 요청 제한 { $n }개에서 기준 성능에 도달 (5% 이내)
    }
s3-diminishing = ⚠️ { $strong } { $concurrency ->
    [pool] 워커 수 증가 대비 성능 향상이 크지 않음
   *[limit] 동시 요청 제한 증가 대비 성능 향상이 크지 않음
}
    .strong = 수확체감 현상 발생!
s3-diminishing-definition = 수확 체감(Diminishing Returns)은 경제학 법칙으로, 다른 생산요소는 고정된 채 특정 생산요소(예: 노동력, 비료)만 추가 투입할 때, 생산량의 증가분(한계 생산량)이 점차 감소하는 현상을 말합니다.
s3-why = 🔎 원인 분석
sweep-at = { $concurrency ->
    [pool] 워커 { $n }개
   *[limit] 동시 요청 제한 { $n }개
}
s3-knee = { $strong } { $at } 이후로는 두 배로 늘려도 속도 향상이 { $pct }% 미만
    .strong = 꺾이는 지점:
s3-knee-requests = { $strong } { $at } 이후로는 두 배로 늘려도 속도 향상이 { $pct }% 미만: 요청이 { $requests }개뿐이라 동시에 처리 중인 요청은 { $requests }개를 넘을 수 없으므로 더 늘려도 소용없음 (리틀의 법칙)
    .strong = 꺾이는 지점:
s3-no-knee = { $strong } 마지막 구간에서도 두 배당 { $pct }% 이상 빨라짐
    .strong = 꺾이는 지점 없음:
s3-latency-configured = 이상적 시간은 내장 API 지연 { $latency } 기준 (리틀의 법칙: ceil(요청 수 / N) × 지연).
s3-latency-estimated = 이상적 시간은 지연 { $latency } 기준이며, 측정된 가장 낮은 중앙값 지연으로 추정함 (외부 대상).
s3-usl = { $strong } (범용 확장성 법칙, 동시성 N에 대한 처리량): X(N) = λN / (1 + σ(N−1) + κN(N−1)), λ = { $lambda } req/s, σ (경합) = { $sigma }, κ (일관성 비용) = { $kappa }, R² = { $r2 }. { $peak }
    .strong = 확장성 모델 적합
s3-usl-peak = 예측 최대 처리량: N ≈ { $n }에서 { $x } req/s.
s3-usl-no-peak = 최대점 없음 (κ = 0): 처리량이 점점 느리게 계속 증가.
s3-usl-poor = 적합도가 낮음 (R² = { $r2 }): 예측은 조심해서 볼 것.
s3-usl-too-few = { $strong } 서로 다른 동시성 수준 { $levels }개로는 매개변수 3개를 의미 있게 맞출 수 없음 (최소 4개 필요).
    .strong = 확장성 모델 적합 없음:
s3-memory = { $strong } (측정 전체의 최소제곱 기울기): 힙 { $heap }, 피크 RSS { $rss }
    .strong = { $concurrency ->
        [pool] 워커당 메모리
       *[limit] 동시 요청당 메모리
    }
col-ideal = 이상적 시간
col-to-ideal = 이상 대비
col-req-s = 초당 요청
col-p50 = p50
col-p99 = p99
col-peak-heap = 피크 힙
col-peak-rss = 피크 RSS
col-client-cpu = 클라이언트 CPU (코어)
col-server-peak = 서버 최대 동시 처리
col-queued = 대기
col-conns = 요청당 연결

## 스윕을 제한하는 것, 그 근거와 함께.

diag-near-ideal = { $strong } 모든 측정점이 이상적 시간의 { $worst }배 이내: 동시 처리를 제한하지 않는 서버에서 리틀의 법칙이 예측하는 대로 거의 이상적으로 확장됨.
    .strong = 병목: 없음.
diag-server-cap = { $strong } { $at }에서 서버는 한 번에 최대 { $peak }개 요청만 처리했고(제한 { $cap }개), { $queued }개 요청이 서버 대기열에서 평균 { $wait } ms 기다림. 클라이언트 동시성을 늘려도 대기열만 길어짐.
    .strong = 병목: 서버의 동시 처리 제한.
diag-interpreter-lock = { $strong } 요청마다 클라이언트 CPU { $cost } ms를 락 하나를 쥔 채 쓰므로 스레드를 아무리 늘려도 초당 { $cap }개 요청을 넘을 수 없음; { $at }에서 클라이언트는 초당 { $measured }개 요청을 보냈고 스레드들은 시간의 { $wait }%를 락 대기에 씀. 원본 보고서의 정체 구간이 바로 이것: 스레드를 늘려도 처리량은 그대로.
    .strong = 병목: 인터프리터 락에 직렬화된 클라이언트 CPU.
diag-python-lock = { $strong } { $from }부터 { $at }까지 클라이언트는 코어 { $cores }개 중 { $low }–{ $high }개만 사용했고(CPU ÷ 경과 시간), { $at }에서는 한 번에 스레드 하나씩 쓴 CPU 시간만 { $cpu }초로 이상적 시간 { $ideal }초보다 길었음: 스레드의 Python 코드는 CPython의 GIL을 쥔 동안에만 실행되므로 스레드를 늘려도 GIL 대기만 늘 뿐 병렬로 일하지 않음. 원본 보고서의 정체 구간이 바로 이것: 스레드를 늘려도 처리량은 그대로.
    .strong = 병목: 인터프리터 락 (CPython의 GIL).
diag-client-cpu = { $strong } { $at }에서 클라이언트가 코어 { $cores }개 중 { $used }개를 계속 사용: 요청을 더 빨리 보낼 수 없음.
    .strong = 병목: 클라이언트 CPU.
diag-ramp-up = { $strong } { $at }에서 클라이언트가 요청 { $concurrency }개를 모두 시작하는 데 { $ramp } ms가 걸림(스레드 생성, 연결 수립). 요청 하나는 중앙값 { $latency } ms: 서버가 아니라 시작 비용이 이상적 시간을 가로막음.
    .strong = 병목: 시작 비용.
diag-request-overhead = { $strong } { $at }에서 요청 하나가 클라이언트에서는 중앙값 { $client } ms 걸렸지만 서버가 쓴 시간은 { $server } ms: 차이는 양쪽의 연결과 스케줄링 비용 (클라이언트와 서버가 이 기계의 코어를 나눠 씀).
    .strong = 병목: 요청마다 붙는 부가 비용.
diag-connection-setup = { $strong } Keep-alive가 꺼져 있어 { $at }에서 서버가 요청당 { $per }개의 새 연결을 받았고, 이상적 시간의 { $ideal }배가 걸림.
    .strong = 병목: 연결 수립.
diag-not-in-flight = { $strong } { $at }에서 클라이언트는 { $offered }개 요청을 동시에 보내려 했지만 서버는 한 번에 최대 { $peak }개만 받음: 스레드나 연결 생성이 요청을 붙잡고 있음.
    .strong = 병목: 클라이언트.
diag-beyond = { $strong } { $at }에서 클라이언트는 코어 { $cores }개 중 { $used }개만 사용해 속도를 제한하는 쪽이 아님. 클라이언트 쪽에서는 서버의 동시 처리·요청률 제한과 네트워크를 구별할 수 없음: 내장 API에 --server-max-inflight를 주고 실행하면 그런 제한이 이름으로 드러남.
    .strong = 병목: 클라이언트 바깥.
diag-unexplained = { $strong } { $at }에서 이상적 시간의 { $ideal }배가 걸렸지만 서버 카운터, 클라이언트 CPU, 연결 수 어느 것으로도 설명되지 않음.
    .strong = 병목: 확인되지 않음.
diag-no-data = { $strong } 측정된 점이 없음.
    .strong = 병목: 알 수 없음:

## 개방형 모델 (--rate): 일정한 속도로 도착하는 요청.

open-title = 초당 { $rate }개로 도착하는 요청: 사용자가 겪는 지연
open-reading = 개방형 모델에서는 모델이 따라가든 못 따라가든 요청이 일정에 맞춰 도착합니다. 사용자가 겪는 지연(보정값)은 요청이 도착했어야 할 시각부터 응답이 도착할 때까지이므로, 빈 워커를 기다린 시간도 포함됩니다. 서비스 시간은 워커가 요청을 맡은 시각부터입니다. 폐쇄형 루프는 뒤의 것만 잽니다: 서버가 멈추면 워커도 보내기를 멈추므로, 그 대기 시간은 수치에 들어가지 않습니다 (coordinated omission).
open-offered = 제시한 요청률
open-per-s = 초당 요청 { $rate }개
open-arrivals = 도착 방식
open-uniform = 균일 (요청 i는 i / 요청률 시각에 도착)
open-poisson = 포아송 (지수 분포 간격, 시드 { $seed })
open-length = 모델당 요청 수
open-length-duration = { $requests }개 ({ $duration } 안에 도착)
open-queue = 대기열
open-queue-unbounded = 제한 없음 (버리는 요청 없음)
open-queue-bound = 최대 { $n }개 대기; 그 이상 도착한 요청은 버리고 셈
open-bound = 생성기 지각 한도 (p99)
open-kept-up = ✅ { $strong } 초당 { $offered }개 중 { $achieved }개; 사용자가 겪는 지연 p99 { $corrected }, 그중 서비스 시간 { $service }
    .strong = { $model } 따라감:
open-behind = ⚠️ { $strong } 초당 { $offered }개 중 { $achieved }개 ({ $share }% 미만); 사용자가 겪는 지연 p99 { $corrected }, 서비스 시간은 { $service }: 요청이 빈 워커를 기다렸고 (한때 최대 { $peak }개), 대기 시간이 실행의 첫 10분의 1에서 마지막까지 { $growth }배로 늘었습니다
    .strong = { $model } 뒤처짐:
open-dropped = ✗ { $model }: { $max }개가 대기 중일 때 도착한 요청 { $dropped }개를 버림 (--max-queue)
open-tool-bound = ⛔ { $strong } 생성기가 요청을 p99 기준 { $late } 늦게 내보냈습니다 (한도 { $bound }): 이 수치는 { $model }이 아니라 concbench가 한계입니다
    .strong = 도구가 한계:
open-tenths-title = 실행 중 지연: 요청을 도착 순서대로 10등분했을 때 각 구간의 사용자가 겪는 평균 지연
col-offered = 제시 (초당 요청)
col-achieved = 달성 (초당 요청)
col-corrected-p50 = 사용자 지연 p50
col-corrected-p99 = 사용자 지연 p99
col-service-p50 = 서비스 p50
col-service-p99 = 서비스 p99
col-queue-peak = 대기열 최대
col-dropped = 버림
col-late-p99 = 생성기 지각 p99
col-tenth = { $k }/10
term-open = concbench io --rate { $rate }/s: 모델당 요청 { $requests }개, 대상 { $to }
term-offered = 제시
term-achieved = 달성
term-corrected-p50 = p50
term-corrected-p99 = p99
term-service-p50 = 서비스 p50
term-service-p99 = 서비스 p99
term-queue-peak = 대기열
term-dropped = 버림
term-late-p99 = 지각 p99

## 용량 스윕 (scale --rates): 모든 방식을 모든 요청률로.

rates-title = 용량: 제시한 요청률에 따른 사용자가 겪는 지연
rates-models = 방식
rates-rates = 제시한 요청률
rates-length = 지점당 요청 수
rates-length-duration = 각 요청률에서 { $duration } 안에 도착하는 요청
rates-slo = 지연 목표 (사용자가 겪는 p99)
rates-slo-default = 가장 낮은 요청률에서 각 방식의 p99의 { $factor }배
rates-slo-from-lowest = { $slo } (가장 낮은 요청률에서의 p99의 두 배)
rates-ok = ✓
rates-fail-latency = ✗ p99
rates-fail-throughput = ✗ 처리량
rates-little = 초당 { $x }개
rates-little-none = 한계 없음 (동시 요청 제한 없음)
rates-why-latency = 사용자가 겪는 p99가 { $p99 }로 목표 { $slo }를 넘었습니다
rates-why-throughput = 제시한 요청률의 { $share }%에 못 미쳤습니다
rates-saturates = 📉 { $strong } (리틀의 법칙: { $little }): 처음 실패한 요청률은 초당 { $rate }개로, { $why }; 목표 { $slo }
    .strong = { $model }: 초당 약 { $capacity }개에서 포화
rates-holds = ✅ { $strong }: 초당 { $rate }개까지, 사용자가 겪는 p99 { $p99 } (목표 { $slo }; 리틀의 법칙: { $little })
    .strong = { $model }: 시험한 모든 요청률을 감당
rates-none = { $model }: 측정된 요청률 없음
rates-tool-bound = ⛔ { $strong } 초당 { $rates }개에서 생성기가 한도보다 늦게 요청을 내보냈습니다: 그 지점은 방식이 아니라 concbench가 한계입니다
    .strong = { $model }, 도구가 한계:
col-verdict = 판정
term-verdict = 판정
term-rates = concbench scale --rates: { $models }, 초당 { $rates }개, 대상 { $to }
chart-rates-latency = 제시한 요청률에 따른 사용자가 겪는 지연 p99 (로그 축): 방식이 포화하는 곳에서 지연이 꺾여 올라감
chart-rates-throughput = 제시한 요청률에 따른 달성 처리량 (로그 축): 따라가는 방식은 대각선 위에 머묾
chart-offered = 제시한 요청률 (초당 요청, 로그 축)
chart-p99-ms = 사용자가 겪는 p99 (ms, 로그 축)
chart-achieved = 달성 (초당 요청, 로그 축)
chart-diagonal = 달성 = 제시

## 4장.

s4-title = 멀티스레드 vs 멀티프로세스 CPU 바운드 성능 비교
s4-cores = CPU 코어 수 (사용 가능)
s4-tasks = 작업 수
s4-work = 연산 복잡도
s4-work-value = { $lo } ~ { $hi } 범위 소수 계산 ({ $kernel })
s4-smaller-set = { $strong } 빠른 모음은 CPython 행이 시간 안에 들어오도록 Rust와 CPython의 모든 방식에 원본의 작업 { $source }개 대신 같은 작업 { $tasks }개를 줌; --size source로 원본 크기로 실행할 수 있음.
    .strong = 더 작은 작업 모음:
s4-test = [{ $index }] { $model } 테스트
s4-vs-sync = 📈 동기 대비 { $x }배 속도
col-speedup = 속도 향상
s4-gil-heading = GIL (Global Interpreter Lock)
s4-gil-intro = Python의 GIL은 한 번에 하나의 스레드만 Python 바이트코드 실행. Rust에는 GIL이 없으므로 concbench가 GIL을 흉내 내어({ $model }) 그 효과를 자유 스레드, 프로세스와 나란히 보여줌.
s4-gil-point = { $strong } GIL로 인해 CPU 작업은 실제로 병렬 실행 안 됨 (여기서 { $x }배)
    .strong = GIL 아래 멀티스레드:
    .then = → 스레드 전환 오버헤드만 추가되어 오히려 느려질 수 있음
s4-processes-point = { $strong } 각 프로세스가 독립적인 인터프리터(와 GIL) 보유 (여기서 { $x }배)
    .strong = 멀티프로세스:
    .then = → 진정한 병렬 실행 가능, CPU 코어 수만큼 성능 향상
s4-threads-point = { $strong } 인터프리터 락이 전혀 없음 (여기서 { $x }배)
    .strong = 자유 스레드 (Rust):
    .then = → 한 프로세스 안에서 코어 수만큼 진정한 병렬 실행
s4-theoretical = 이론적 최대 속도 향상 (코어 수): { $strong }
    .strong = { $cores }배
s4-actual = { $model } 실제 속도 향상: { $strong } (효율: { $pct }%)
    .strong = { $x }배
s4-gil-no-effect = ⚠️ { $strong } ({ $x }배)
    .strong = GIL 아래 멀티스레드는 CPU 바운드 작업에서 거의 효과 없음
s4-faster = ✅ { $strong }
    .strong = { $a }가 { $b }보다 { $x }배 빠름!
tracemalloc-slowdown = { $version }에서 { $x }배
s4-py-tracemalloc = ⚠️ { $strong } 드라이버가 tracemalloc으로 힙을 추적했고(원본처럼 기본값 켜짐), 그 때문에 할당이 많은 반복문이 느려짐({ $slowdown }). py-sequential과 py-threads는 추적 아래에서 실행됐지만 py-processes의 워커는 추적하지 않으므로, 그 속도 향상에는 추적 비용이 포함됨{ $free ->
    [yes] ; 또 tracemalloc은 추적하는 할당마다 락 하나를 잡으므로 자유 스레드 빌드에서는 스레드도 직렬화함
   *[no] {""}
}. --py-tracemalloc off로 깨끗한 시간을 잴 수 있음.
    .strong = CPython 시간에는 힙 추적 비용이 포함됨:
term-py-tracemalloc = ⚠ CPython 시간에는 힙 추적 비용이 포함됨 (tracemalloc: 할당이 많은 반복문이 느려짐, { $slowdown }); --py-tracemalloc off로 깨끗한 시간을 잴 수 있음
s4-vs-py-sync = 📈 같은 인터프리터의 동기 대비 { $x }배 속도
s4-py-intro = CPython도 같은 작업을 실행: 스레드는 실제 GIL 아래에서(자유 스레드 빌드에는 GIL이 없음), 프로세스는 각자 독립적인 인터프리터로.
s4-py-gil-point = { $strong } GIL로 인해 CPU 작업은 실제로 병렬 실행 안 됨 (여기서 { $x }배)
    .strong = 멀티스레드 (CPython { $version }, GIL):
    .then = → 스레드 전환 오버헤드만 추가되어 오히려 느려질 수 있음
s4-py-free-point = { $strong } GIL이 전혀 없음 (여기서 { $x }배)
    .strong = 멀티스레드 (CPython { $version }, 자유 스레드 빌드, GIL 없음):
    .then = → 한 프로세스 안에서 코어 수만큼 진정한 병렬 실행
s4-py-processes-point = { $strong } 각 프로세스가 독립적인 인터프리터와 GIL 보유 (여기서 { $x }배)
    .strong = 멀티프로세스 (CPython { $version }):
    .then = → 진정한 병렬 실행 가능, CPU 코어 수만큼 성능 향상
s4-py-gil-no-effect = ⚠️ { $strong } ({ $x }배, { $model })
    .strong = CPython의 GIL 아래 멀티스레드는 CPU 바운드 작업에서 거의 효과 없음
s4-checksum-ok = { $strong } 모든 작업을 끝낸 방식은 모두 기준 체와 같은 총 { $sum }개의 소수를 셈 ✓
    .strong = 검증:
s4-checksum-bad = { $strong } ✗ 어떤 방식의 개수가 기준({ $sum }개)과 다름
    .strong = 검증:
col-spec = 모델
col-efficiency = 효율
col-serial = 직렬 비율 (암달)
col-cpu = CPU 사용자+시스템
col-switches = 컨텍스트 스위치 (자발/비자발)
col-checksum = 검증

## 5장.

s5-title-slower = 동기가 멀티스레드(GIL)보다 빠른 이유
s5-title = 동기 vs GIL 아래 멀티스레드
s5-row-slower = { $time } (오히려 { $d }초 더 느림!)
s5-row-faster = { $time } ({ $d }초 빠름)
s5-row-noise = { $time } ({ $d }초, 오차 범위 안)
s5-key = { $strong } (아래 수치는 모두 이번 실행에서 측정)
    .strong = 핵심: GIL + 오버헤드
s5-seq-heading = 동기 (순차 실행)
s5-seq-timeline = 작업1 ████████ → 작업2 ████████ → 작업3 ████████
s5-seq-no-contention = GIL 경합 없음
s5-seq-switches = 컨텍스트 스위칭 거의 없음 (자발 { $voluntary }회, 비자발 { $involuntary }회)
s5-seq-simple = 단순하게 순차 실행
s5-gil-heading = GIL 아래 멀티스레드 (워커 { $n }개)
s5-thread = 스레드{ $n }
s5-timeline-caption = (측정값: 실행 첫 { $total } ms, 한 글자당 { $slice } ms; █ 락 보유, ░ GIL 대기)
s5-gil-competed = { $n }개 스레드가 GIL 하나를 두고 경쟁: 락이 { $handovers }번 넘어갔고, 그중 { $forced }번은 { $interval } ms 전환 간격 뒤 대기 스레드의 요청으로 강제됨
s5-gil-one-at-a-time = 실제로는 한 번에 1개만 실행됨: 작업 코드 안에 있던 스레드는 최대 { $peak }개
s5-gil-waited = 스레드들이 GIL을 기다린 시간 합계 { $wait }초
s5-gil-result = 결과: 순차 실행 + 오버헤드 = 순차 대비 { $d }초
s5-overheads = 멀티스레드의 오버헤드 (측정값)
col-overhead = 오버헤드
col-measured = 이번 실행에서 측정
s5-contention = GIL 경합
s5-contention-value = { $n }개 스레드가 GIL 획득을 위해 경쟁; 대기 합계 { $wait }초
s5-switching = 컨텍스트 스위칭
s5-switching-value = 자발 { $voluntary }회 + 비자발 { $involuntary }회 컨텍스트 스위치
s5-threads = 스레드 생성/관리
s5-threads-value = 측정 시간 안에서 스레드 { $n }개 생성과 종료 대기
s5-waiting = Lock 대기
s5-waiting-value = GIL 해제/획득 { $handovers }번, 강제 해제 { $forced }번
s5-conclusion = GIL 아래 CPU 바운드 작업에서 멀티스레드는
s5-no-parallel = 병렬 실행 안 됨 (GIL 때문에 한 번에 1개만)
s5-same-work = 순차 실행과 동일한 작업량 + 추가 오버헤드
s5-ended-slower = 결과적으로 순차 실행보다 { $d }초 느림 { $note }
s5-ended-faster = 이번에는 순차 실행보다 { $d }초 빠름 { $note }
s5-ended-noise = 이번에는 순차 대비 { $d }초: 이번 실행들의 오차 범위 안에서 차이 없음 { $note }
s5-beyond = GIL이 없다면 (원본 보고서 너머)
s5-beyond-threads = { $strong } { $x }배, 효율 { $pct }%: Rust 스레드는 인터프리터 락이 없어 프로세스처럼 병렬로 CPU 작업을 하되, 시작 비용과 복사가 없음
    .strong = 자유 스레드 ({ $n }개):
s5-beyond-processes = { $strong } 시작에 평균 { $startup } ms (측정 시간에 포함), 프로세스마다 힙 최대 { $heap }, 상주 메모리 { $rss } 사용
    .strong = 프로세스 ({ $n }개):
s5-beyond-async = { $strong } { $x }배: 이벤트 루프 하나가 한 번에 작업 하나만 실행; 비동기는 CPU 바운드 작업을 빠르게 하지 않음
    .strong = 비동기:
s5-beyond-rayon = { $strong } { $x }배
    .strong = 작업 훔치기 풀 (rayon, { $n }개):
s5-title-real = 인터프리터 락 실측
s5-locks = 락: 흉내 낸 GIL, 실제 GIL, 락 없음 (같은 작업)
col-lock = 락
col-speedup-own = 속도 향상 (자기 동기 대비)
col-cores-used = 사용한 코어 (CPU ÷ 경과 시간)
lock = { $lock ->
    [emulated] 흉내 낸 GIL (concbench)
    [real] CPython의 GIL
    [free] 없음 (자유 스레드 CPython)
   *[none] 없음 (Rust 스레드)
}
s5-lock-cores = { $model }: 코어 { $cores }개에서 스레드 { $n }개가 코어 { $used }개를 사용: { $parallel ->
    [one] 한 번에 1개 스레드만 실행됨
    [contended] 코어는 바빴지만 스레드 1개보다 빠르지 않음: 늘어난 CPU는 일이 아니라 경합에 쓰임
   *[many] 스레드들이 병렬로 실행됨
}
s5-lock-note = 사용한 코어는 프로세스의 CPU 시간(사용자 + 시스템)을 경과 시간으로 나눈 값으로, 스레드들이 실제로 코어를 몇 개 썼는지 보여줌. 락 아래에서는 스레드가 몇 개든 1 근처에 머무름.
s5-beyond-py-processes = { $strong } 시작 방식 { $method }: 워커마다 시작에 평균 { $startup } ms (측정 시간에 포함), 상주 메모리 최대 { $rss } 사용 (워커의 힙은 추적하지 않음)
    .strong = CPython { $version } 프로세스 ({ $n }개):

## 반복 실행.

spread-title = 얼마나 확실한가: 반복 실행의 소요 시간
col-runs = 실행 수
col-median = 중앙값
col-mean-sd = 평균 ± 표준편차
col-min-max = 최소 … 최대
col-ci = 중앙값의 95% 신뢰구간
col-outliers = 이상치
col-notes = 비고
schedule = 모든 수치는 방식마다 { $runs }회 실행의 중앙값{ $warmup ->
    [0] {""}
   *[other] , 각각 기록하지 않는 준비 실행 { $warmup }회 뒤
}, 실행 순서는 { $order }; 비율은 반복마다 잰 비율의 중앙값이며, 6회 이상이면 중앙값의 95% 신뢰구간(순서통계량, 잡음 분포 가정 없음)을 붙임.
schedule-shuffled = 반복마다 섞은 순서로 (시드 { $seed })
schedule-interleaved = 번갈아 (A B C A B C …)
note-first-slow = 첫 실행이 훨씬 느림 (--warmup 1 권장)
note-large-spread = 편차 큼 (표준편차가 평균의 { $pct }%)
note-outliers = { $n }개 표시 (수정 Z > 14), 제외하지 않음
busy = ⚠️ { $strong } 실행 시작 때 코어 { $cores }개에 부하 평균 { $load }; 수치에 잡음이 있을 수 있음.
    .strong = 기계가 바빴음:
busy-before = ⚠️ { $strong } 첫 실행 직전에 다른 프로세스가 코어 { $granted }개 중 { $cores }개만큼 사용함; 수치에 잡음이 있을 수 있음.
    .strong = 기계가 바빴음:
busy-during = ⚠️ { $strong } 실행 { $runs }회 중 { $n }회 동안 다른 프로세스가 코어 { $granted }개 중 최대 { $cores }개만큼 사용함; 그 수치에 잡음이 있을 수 있음.
    .strong = 기계가 바빴음:
env-others = 다른 프로세스의 CPU
env-others-value = 첫 실행 전 { $window } ms 동안 코어 { $before }개; 실행 중 최대 코어 { $during }개
incomplete = ⚠️ { $strong }
    .strong = 미완성: 이 실행은 중단되었거나 아직 진행 중입니다(interrupted); 지금까지 측정한 결과만 담겨 있습니다.

## HTML 페이지.

html-title = concbench: 동시성 모델 실측 보고서
html-subtitle = 이 기계에서 비동기, 스레드, 프로세스, GIL을 직접 측정: 아래 모든 수치는 이번 실행에서 측정한 값

## 차트.

chart-io-time = 방식별 전체 요청 소요 시간 (막대: 중앙값, 수염: 최소~최대, 로그 눈금)
chart-io-memory = 방식별 피크 힙 메모리 (중앙값)
chart-io-latency = 성공한 요청의 지연 분포 (전체 실행): 주어진 시간 안에 응답한 비율
chart-scale-time = 워커 수에 따른 소요 시간: 측정값, 이상값 (리틀의 법칙), 기준
chart-scale-time-py = CPython: 워커 수에 따른 소요 시간: 측정값, 이상값 (리틀의 법칙), 기준
chart-cpu-speedup = 동기 대비 속도 향상 (중앙값, 95% 신뢰구간)과 사용 가능 코어 수
chart-seconds = 소요 시간 (초)
chart-heap-mib = 피크 힙 (MiB)
chart-latency-ms = 지연 (ms, 로그 눈금)
chart-share = 요청 비율
chart-workers = N (변화시킨 설정값, 로그 눈금)
chart-measured = 측정값
chart-ideal = 이상값 (리틀의 법칙)
chart-baseline = 기준
chart-speedup = 속도 향상 (배)
chart-theoretical = 이론적 최대 (코어 수)
chart-sequential = 동기 (1배)
chart-estimated = 예상

## 전체 측정 결과, 실패, 대상과 실행 환경.

all-title = 전체 측정 결과
col-ok-failed = 성공 / 실패
col-end-heap = 종료 시 힙
estimated-mark = (표본 측정, 전체 시간은 예상치)
floor-line = { $model }: 이상적 시간({ $floor }, 요청 묶음 수 × 지연 1회)의 { $ratio }배
py-async-slot = { $model }: 요청의 지연에는 연결 슬롯 { $limit }개 중 하나를 기다린 시간(aiohttp 커넥터 제한)이 포함되며, 서버가 쓴 시간만이 아님
failures-title = 실패
fail-retries = ↻ { $model }: 재시도 { $retries }번; 재시도 뒤 성공한 요청 { $ok }개, 끝내 실패한 요청 { $failed }개
fail-kind = ✗ { $model }: { $runs }회 실행에서 { $kind } { $count }건 (예: { $example })
fail-cell = ✗ { $model } 전체 실패: { $reason }
target-title = 대상과 설정
target-embedded = { $strong } 내장 모의 API, 루프백 HTTP ({ $mode }), 지연 { $profile }, { $cap ->
    [none] 동시 처리 제한 없음
   *[other] 동시 처리 최대 { $cap }개
}
    .strong = 대상:
target-external = { $strong } { $url } (외부 서버: 서버 측 수치는 알 수 없음)
    .strong = 대상:
target-applied = { $strong } 평균 { $applied } ms (요청값 { $requested } ms, 최대 { $max } ms): 클라이언트의 지연은 이 값과 비교하세요
    .strong = 서버가 실제로 적용한 지연:
target-excess = { $strong } p50 { $p50 } µs, p99 { $p99 } µs, 최대 { $max } µs ({ $n }개 응답; 모든 응답을 타이머 스레드 하나가 처리하며, 요청한 시간보다 일찍 내보내지 않음); 그 뒤 처리기가 다시 실행되기까지 p50 { $lag50 } µs, p99 { $lag99 } µs (다른 응답을 처리하거나 코어가 모자란 서버 런타임)
    .strong = 서버 타이머가 요청한 지연보다 늦게 응답을 내보낸 정도:
target-settings = { $keepalive } { $mode ->
    [on] 켜짐 (연결 재사용)
    [prewarm] 켜짐, 비동기 연결은 측정 전에 미리 열어 둠 (--prewarm)
   *[off] 꺼짐 (요청마다 새 연결)
}; { $timeout } 요청당 { $time }, 연결 { $connect }
    .keepalive = Keep-alive:
    .timeout = 타임아웃:
target-request = { $strong } { $method }{ $body ->
    [0] {""}
   *[other] , 본문 { $body }바이트 (다시 보내지 않음)
}{ $urls ->
    [0] {""}
   *[other] , --urls-file의 URL { $urls }개에 차례로
}
    .strong = 요청:
target-no-retries = { $strong } 없음 (실패는 그대로 실패)
    .strong = 재시도:
target-retries = { $strong } 타임아웃, 끊긴 연결, 429, 5xx에 요청당 최대 { $retries }번; 대기 { $backoff }부터 두 배씩, 지터 포함; Retry-After 준수
    .strong = 재시도:
target-clients = { $strong } 블로킹 방식은 { $blocking } (연결당 입력 { $input } KiB + 출력 { $output } KiB 버퍼), 비동기 방식은 { $async }
    .strong = 클라이언트:
target-headers = { $strong } { $names } (값은 기록하지 않음)
    .strong = 추가 헤더:
target-checksum-ok = { $strong } 완료된 모든 방식이 같은 { $bytes } 바이트의 응답 본문을 받음 ✓
    .strong = 검증:
target-checksum-bad = { $strong } ✗ 방식마다 받은 응답 본문 바이트 수가 다름: 대상 서버의 응답이 실행마다 다름
    .strong = 검증:
target-server-peaks = 서버가 본 것 (방식별, 실행 전마다 초기화한 서버 카운터):
target-server-peak = { $model }: 요청 { $requests }개, 최대 동시 처리 { $peak }개, 연결 { $connections }개
py-title = CPython: py 방식의 실행 방법
py-interpreters = { $strong } { $list }{ $n ->
    [one] {""}
   *[other] ; 모든 py 방식은 인터프리터마다 한 번씩 실행됨
}
    .strong = 인터프리터:
py-heap-traced = { $strong } tracemalloc, 켜짐 (원본처럼): 드라이버의 Python 힙만 (py-processes 워커의 힙은 추적하지 않음), 바이트만 (할당 횟수는 세지 않음: –); 드라이버 시작 때 잰 값으로 할당이 많은 반복문이 느려짐({ $slowdown }); --py-tracemalloc off로 깨끗한 시간을 잴 수 있음.
    .strong = py 행의 힙:
py-heap-untraced = { $strong } 추적하지 않음 (--py-tracemalloc off, 깨끗한 시간을 위해): –
    .strong = py 행의 힙:
py-timeouts = { $strong } aiohttp의 전체 타임아웃(ClientTimeout.total)은 --timeout { $timeout }로 요청 전체(연결, 헤더, 본문)를, 소켓 연결은 --connect-timeout { $connect }로 제한; requests는 연결을 --connect-timeout { $connect }로, 서버의 바이트를 기다리는 매 순간을 --timeout { $timeout }로 제한하며 요청 전체를 제한하지는 않음.
    .strong = py 클라이언트의 타임아웃:
py-task-timeout = { $strong } 호출마다 최대 { $timeout } (--task-timeout: py-async에서는 취소, py-sequential과 py-processes 워커에서는 SIGALRM으로 중단, py-threads에서는 늦은 호출을 시간 초과로 셈)
    .strong = 호출당 제한:
py-task-no-timeout = { $strong } 없음 (--task-timeout으로 정할 수 있음)
    .strong = 호출당 제한:
py-skipped = { $strong } { $model }: { $reason }
    .strong = 실행 안 함:
env-python = CPython 인터프리터
env-interpreter = { $strong } ({ $path } → { $executable }): ABI { $abi }, { $build }, { $compiler }; { $free ->
    [yes] 자유 스레드 빌드, GIL { $gil ->
        [on] 다시 켜짐
       *[off] 꺼짐
    }
   *[no] GIL { $gil ->
        [on] 켜짐
       *[off] 꺼짐
    }
}; multiprocessing 시작 방식 { $method }.
    .strong = CPython { $tag }
env-interpreter-clients = HTTP 클라이언트 { $clients }, 환경 { $venv }.
env-interpreter-tracemalloc = 여기서 tracemalloc이 할당이 많은 반복문을 { $x }배 느리게 함.
env-title = 실행 환경
env-os = OS
env-cpu = CPU
env-cores = 사용 가능 코어
env-cores-value = { $granted }개 (온라인 { $online }개 중)
env-cores-quota = { $granted }개 (온라인 { $online }개 중; cgroup 할당 { $quota } CPU)
env-memory = 메모리
env-load = 부하 평균 (시작 → 끝)
env-tool = concbench
env-rust = Rust
env-started = 시작 시각
reading-title = 수치 읽는 법
reading-time = { $strong }은 단조 시계로 잰 실제 경과 시간으로, 첫 작업이 시작할 수 있는 시점부터 마지막 작업이 끝난 시점까지입니다. 클라이언트와 런타임 생성은 포함하지 않고, 스레드 생성과 종료 대기는 포함합니다.
    .strong = 소요 시간
reading-heap = { $strong }은 할당 횟수와 크기를 세는 할당자로 잰 값으로, Python tracemalloc에 해당합니다. { $peak }는 실행 시작 시점보다 늘어난 힙의 최댓값, { $end }는 끝날 때의 힙에서 시작 시점의 힙을 뺀 값입니다(클라이언트와 유휴 연결은 아직 살아 있음). 스레드 스택은 힙이 아닙니다.
    .strong = 힙
    .peak = 피크
    .end = 종료 시
reading-rss = { $strong }는 클라이언트 프로세스 전체의 상주 메모리(실행 파일, 라이브러리, 사용된 스레드 스택, 힙)이며, 실행마다 커널의 피크 값을 초기화합니다. 모의 API는 별도 프로세스라 포함되지 않습니다.
    .strong = 피크 RSS
reading-ideal = { $strong }은 지연이 고정된 서버에서 가능한 최소 시간입니다: ceil(요청 수 / 동시성) × 지연 1회.
    .strong = 이상적 시간
reading-estimated = { $strong } 시간(동기)은 표본을 측정해 전체 요청 수로 환산한 값으로, 원본 보고서와 같은 방식입니다.
    .strong = 예상

## 터미널 요약.

term-io = concbench io: { $to }에 요청 { $requests }개
term-task = concbench task: { $task }, 호출 { $tasks }개, API: { $to }
term-scale = concbench scale: { $model }, N = { $settings }, { $to }에 요청 { $requests }개
term-cpu = concbench cpu: 작업 { $tasks }개, { $range } 범위 소수 계산 ({ $kernel }), 사용 가능 코어 { $cores }개
term-embedded = 내장 API (지연 { $latency })
term-applied = (실제 적용 평균 { $latency })
term-failed = 실패
term-not-run = 실행 안 됨
term-estimated = * { $model }: 요청 { $total }개 중 { $run }개만 실행, 전체 { $total }개는 { $time }로 추정
term-spread = ⚠ { $model }: { $notes }
term-base = { $model } (기준)
term-gil = gil-threads: 락이 { $handovers }번 넘어감 (강제 { $forced }번), 락 대기 합계 { $wait }, 작업 코드 안의 스레드는 한 번에 최대 { $peak }개
term-lock = { $model }: 코어 { $used }개 사용 (CPU ÷ 경과 시간), { $lock }
term-model = 모델
term-ok-failed = 성공/실패
term-time = 소요 시간
term-ideal = 이상적 시간
term-to-ideal = 이상 대비
term-vs-base = 기준 대비
term-req-s = 초당 요청
term-peak-heap = 피크 힙
term-peak-rss = 피크 RSS
term-cpu-time = CPU
term-cpu-cores = CPU 코어
term-server-peak = 서버 최대
term-queued = 대기
term-speedup = 속도 향상
term-efficiency = 효율
term-switches = 컨텍스트 스위치 (자발/비자발)
term-checksum = 검증

## compare.

compare-title = 비교: A 대비 B (모든 작업의 소요 시간)
compare-experiment = 실험
compare-model = 모델
compare-a = A (중앙값)
compare-b = B (중앙값)
compare-change = 변화
compare-ci = 95% 신뢰구간
compare-verdict = 판정
compare-secs = { $s }초
compare-faster = 빨라짐
compare-slower = 느려짐
compare-no-change = 유의한 변화 없음
compare-too-few = 실행 수가 적어 판단할 수 없음
compare-setup-differs = 판정하지 않음: 설정이 다름
compare-difference = ⚠ 설정이 다름: { $what }
compare-cores = 사용 가능 코어 { $a } → { $b }
compare-setting = { $experiment }: { $setting } { $a } → { $b }
compare-unmatched = 비교하지 않음: { $what }
compare-only-in = { $what } ({ $side }에만 있음)
compare-failed-in = { $what } ({ $side }에서 실패)
compare-open = { $what } (개방형 모델, --rate: 시간은 일정이 정하므로 속도가 아님)
compare-no-runs = { $what } (비교할 실행 없음)
setup-requests = 요청 수
setup-latency = 지연
setup-server-cap = 서버 동시 처리 제한
setup-target = 대상
setup-keep-alive = 연결 재사용
setup-prewarm = 연결 미리 열기
setup-interp-cost = 인터프리터 비용
setup-retries = 재시도
setup-method = 메서드
setup-body = 본문
setup-urls = URL 수 (--urls-file)
setup-tasks = 작업 수
setup-range = 범위
setup-seed = 시드
setup-kernel = 커널
setup-none = 없음
setup-on = 켜짐
setup-off = 꺼짐
setup-embedded = 내장 API

segments-title = 세그먼트: 한 계획의 { $n }개 부분을 합친 결과
segments-reading = 각 세그먼트는 계획 { $plan }의 작업 번호 중 자기 몫(I, I + N, I + 2N, …)을 같은 설정과 시드로 실행했습니다. 요청률이 있으면 각자 자기 번호를 예정 시각에 보냈으므로, 모두 합치면 전체 일정이 됩니다. 개수는 더하고, 지연 백분위수는 세그먼트들의 히스토그램을 더해서 구하며 백분위수의 평균은 쓰지 않습니다. 모델의 시간은 가장 먼저 시작한 세그먼트의 시작부터 마지막 세그먼트의 끝까지입니다. 단, 한 번에 작업 하나만 하는 모델(sequential)의 시간은 세그먼트 시간의 합, 즉 작업자 하나가 모든 작업에 들일 시간입니다.
segments-clocks = 시계는 NTP로 맞춰져 있다고 가정합니다: 각 세그먼트는 자기 시계로 정렬된 시작 시각을 기다렸으므로, 세그먼트의 시작 지연에는 다른 세그먼트와의 시계 차이가 들어 있습니다.
s4-baseline-contended = ⚠️ { $model } 대비 속도 향상은 제시하지 않습니다: 그 세그먼트들은 코어 하나의 { $share }만 사용했으므로 (CPU ÷ 경과 시간) 서로 또는 다른 작업과 코어를 나눠 썼고, 합친 시간은 워커 하나가 혼자 걸리는 시간이 아닙니다 (속도 향상이 부풀려집니다). 세그먼트를 각자의 기계에서 실행하거나, 나누지 않은 실행과 비교하세요.
segments-busy = 병합된 보고서는 기계가 바빴는지 판단하지 않습니다: 각 세그먼트는 다른 세그먼트도 함께 돌던 기계 전체를 측정했고, 그 측정 구간들이 겹치기 때문입니다. 각 세그먼트가 실행되는 동안 다른 프로세스가 한 일은 세그먼트 자신의 보고서(segment-I/)에 있습니다.
segments-own = 이 결과는 계획 { $plan }의 세그먼트 { $index }/{ $count }입니다 ({ $source }, 호스트 { $host }): 수치는 작업 중 이 세그먼트의 몫이며, concbench merge가 세그먼트들을 전체 실행으로 합칩니다.
segments-plan = 계획
segments-count = 세그먼트 수
segments-hosts = 호스트 수
segments-start-at = 정렬된 시작 시각
segments-start-none = 없음 (각자 실행된 때 시작)
segments-start-spread = 세그먼트 시작 시각의 폭
segments-col-segment = 세그먼트
segments-col-host = 호스트
segments-col-source = 정한 방법
segments-col-lateness = 시작 지연
segments-col-span = 경과 시간 (모든 실행)
segments-spread-title = 세그먼트 시간의 퍼짐 (모델별 중앙값 실행)
segments-col-model = 모델
segments-col-fastest = 가장 빠른 세그먼트
segments-col-slowest = 가장 느린 세그먼트 (번호)
segments-col-straggler = 낙오 비용 (가장 느림 / 평균)
segments-col-workers = 전체 작업자 수
segments-col-speedup = sequential 대비 속도 향상
segments-col-per-core = 모든 세그먼트의 코어당
segments-straggler = ⚠️ { $model }: 호스트 { $host }의 세그먼트 { $segment }가 세그먼트 평균 시간의 { $cost }배 걸렸습니다. 합친 시간은 이 세그먼트를 기다린 시간입니다.
segments-shared-hosts = ⚠️ 세그먼트 { $segments }개가 호스트 { $hosts }개에서 실행되었습니다: 한 기계를 나눠 쓴 세그먼트들은 그 코어도 나눠 썼으므로 각자 혼자일 때보다 느렸고, 한 번에 하나씩 하는 모델의 합친 시간(속도 향상의 기준)에는 그 경합이 들어 있습니다. 한 기계에서 나누지 않고 실행한 결과와 비교하세요.
segments-server-agrees = ✓ 모든 세그먼트가 보낸 API가 요청 { $server }개를 셌고, 세그먼트들은 { $tries }개를 보냈습니다 (모든 실행의 모든 시도, 사전 점검과 워밍업 포함): 일치합니다.
segments-server-disagrees = ✗ 모든 세그먼트가 보낸 API가 요청 { $server }개를 셌지만, 세그먼트들은 { $tries }개를 보냈습니다 (모든 실행의 모든 시도, 사전 점검과 워밍업 포함): 다른 무언가가 보냈거나, 어떤 세그먼트의 요청이 세어지지 않았습니다.
