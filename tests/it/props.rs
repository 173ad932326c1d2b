//! Property tests for every parser of a spec string: they never panic, whatever they are given,
//! and what they print reads back as the same value.

use std::time::Duration;

use concbench::record::server::parse_share;
use concbench::record::{LatencyProfile, ModelKind, ModelSpec, Rate, SizeRange};
use concbench::server::Sample;
use concbench::units::{fmt_duration, parse_count, parse_duration};
use concbench::workload::Header;
use concbench::workload::UrlTemplate;
use proptest::prelude::*;

/// Strings that look like what people type, and plain junk.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-z.:,_%/{}-]{0,24}",
        "(fixed|uniform|normal|lognormal|threads|async|sequential|processes|gil-threads)[:0-9a-z.,]{0,16}",
        "[0-9]{0,12}(ns|us|ms|s|m|h|k|M)?",
        "[0-9]{0,8}\\.\\.[0-9]{0,8}",
        "(http|https|ftp)://[a-z0-9.:{}/?=&]{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic(s in text()) {
        let _ = parse_duration(&s);
        let _ = parse_count(&s);
        let _ = s.parse::<ModelSpec>();
        let _ = s.parse::<LatencyProfile>();
        let _ = s.parse::<SizeRange>();
        let _ = s.parse::<Header>();
        let _ = s.parse::<Rate>();
        let _ = parse_share("x", &s);
        let _ = UrlTemplate::parse(&s);
    }

    #[test]
    fn errors_are_one_line(s in text()) {
        for e in [parse_duration(&s).err(), s.parse::<ModelSpec>().err(), s.parse::<LatencyProfile>().err()].into_iter().flatten() {
            prop_assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn durations_round_trip(us in 0u64..86_400_000_000) {
        let d = Duration::from_micros(us);
        prop_assert_eq!(parse_duration(&fmt_duration(d)), Ok(d));
    }

    #[test]
    fn counts_round_trip(n in 0u64..u64::MAX / 2) {
        prop_assert_eq!(parse_count(&n.to_string()), Ok(n));
    }

    #[test]
    fn model_specs_round_trip(kind in 0usize..ModelKind::ALL.len(), n in proptest::option::of(1usize..=1_000_000)) {
        let kind = ModelKind::ALL[kind].kind;
        let one = kind.info().concurrency == concbench::record::Concurrency::One;
        let spec = ModelSpec::new(kind, if one { None } else { n });
        prop_assert_eq!(spec.to_string().parse::<ModelSpec>(), Ok(spec));
    }

    #[test]
    fn latency_profiles_round_trip(a in 0u64..3_600_000, b in 0u64..3_600_000, sigma in 0u32..500, which in 0u8..4) {
        let (a, b) = (Duration::from_micros(a.min(b)), Duration::from_micros(a.max(b)));
        let profile = match which {
            0 => LatencyProfile::Fixed(a),
            1 => LatencyProfile::Uniform { lo: a, hi: b },
            2 => LatencyProfile::Normal { mean: b, std_dev: a },
            _ => LatencyProfile::LogNormal { median: b, sigma: f64::from(sigma) / 100.0 },
        };
        prop_assert_eq!(profile.to_string().parse::<LatencyProfile>(), Ok(profile));
        // Every draw is a duration within a day, whatever the profile.
        prop_assert!(profile.sample(7, u64::from(sigma)) <= Duration::from_secs(86_400));
    }

    #[test]
    fn ranges_round_trip(lo in 0u64..1_000_000_000, span in 0u64..1_000_000) {
        let hi = (lo + span).min(1_000_000_000);
        let r = SizeRange { lo, hi };
        prop_assert_eq!(r.to_string().parse::<SizeRange>(), Ok(r));
    }
}
