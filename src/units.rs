//! Units at the edges: parsing the user's `250ms` / `10k` and printing figures with their units.
//!
//! Parsers return `Err(String)` with a message that names what is accepted; `cli` hands them to clap,
//! which prefixes the option name, so every bad value gets one clear line.

use std::time::Duration;

/// Longest duration any option accepts: a day. Anything beyond is a typo, not a benchmark.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// Parses `250ms`, `1.5s`, `2m`, `100us`, `1h` (also `ns`, `µs`). A bare `0` is zero.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.starts_with('-') {
        return Err(format!("'{text}': a duration cannot be negative (write e.g. 250ms, 1.5s, 2m)"));
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .ok_or_else(|| format!("'{text}' has no unit: write e.g. 250ms, 1.5s, 2m"))?;
    let (number, unit) = s.split_at(split);
    let unit_ns: f64 = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        _ => {
            return Err(format!("'{text}': unknown unit '{unit}' (use ns, us, ms, s, m or h, e.g. 250ms)"));
        }
    };
    let value =
        parse_decimal(number).ok_or_else(|| format!("'{text}' is not a duration: write e.g. 250ms, 1.5s, 2m"))?;
    let ns = value * unit_ns;
    if ns > MAX_DURATION.as_nanos() as f64 {
        return Err(format!("'{text}' is too long (at most {})", fmt_duration(MAX_DURATION)));
    }
    Ok(Duration::from_nanos(ns.round() as u64))
}

/// A non-negative decimal without sign or exponent (`1`, `1.5`, `10_000`); `None` otherwise.
fn parse_decimal(number: &str) -> Option<f64> {
    let digits: String = number.chars().filter(|&c| c != '_').collect();
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !plain {
        return None;
    }
    digits.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a count: `200`, `10_000`, `10k` (thousand), `2m` (million).
pub fn parse_count(text: &str) -> Result<u64, String> {
    let s = text.trim();
    let (number, scale) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1_000u64),
        Some((i, 'm' | 'M')) => (&s[..i], 1_000_000u64),
        _ => (s, 1u64),
    };
    let digits: String = number.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{text}' is not a whole number (e.g. 200, 10k)"));
    }
    digits.parse::<u64>().ok().and_then(|v| v.checked_mul(scale)).ok_or_else(|| format!("'{text}' is too large"))
}

/// A duration the way a person writes it: `100ms`, `1.5s`, `250us`. Round-trips through
/// [`parse_duration`] up to the microsecond.
pub fn fmt_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        "0".into()
    } else if ns.is_multiple_of(1_000_000_000) {
        format!("{}s", ns / 1_000_000_000)
    } else if ns.is_multiple_of(1_000_000) {
        format!("{}ms", ns / 1_000_000)
    } else if ns.is_multiple_of(1_000) {
        format!("{}us", ns / 1_000)
    } else {
        format!("{ns}ns")
    }
}

/// Seconds with two decimals, as the source report prints times: `2.11 s`.
pub fn fmt_secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Milliseconds for latencies: `100.4 ms`, `0.21 ms`.
pub fn fmt_ms_us(us: f64) -> String {
    let ms = us / 1000.0;
    if ms >= 10.0 { format!("{ms:.1} ms") } else { format!("{ms:.2} ms") }
}

/// Bytes as MiB with two decimals (the source printed tracemalloc's bytes/2^20 as "MB").
pub fn fmt_mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("100us"), Ok(Duration::from_micros(100)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1_000ms"), Ok(Duration::from_secs(1)));
    }

    #[test]
    fn bad_durations_say_what_is_accepted() {
        for bad in ["", "ms", "-5ms", "1e3ms", "5", "5 parsecs", "1..2s", "NaNs", "infs", "99999999999h", "25h"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(!err.is_empty() && !err.contains('\n'), "{bad}: {err}");
        }
    }

    #[test]
    fn durations_round_trip() {
        for ms in [0u64, 1, 50, 100, 630, 1500, 60_000] {
            let d = Duration::from_millis(ms);
            assert_eq!(parse_duration(&fmt_duration(d)), Ok(d));
        }
        let d = Duration::from_nanos(1234);
        assert_eq!(parse_duration(&fmt_duration(d)), Ok(d));
    }

    #[test]
    fn counts_accept_suffixes() {
        assert_eq!(parse_count("200"), Ok(200));
        assert_eq!(parse_count("10k"), Ok(10_000));
        assert_eq!(parse_count("2M"), Ok(2_000_000));
        assert_eq!(parse_count("10_000"), Ok(10_000));
        for bad in ["", "k", "-1", "1.5", "ten", "99999999999999999999", "1e3"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }
}

/// Serde for a `Duration` written as milliseconds (a float, so sub-millisecond values survive);
/// fields using it carry `_ms` in their serialised name.
pub mod serde_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64() * 1000.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom)
    }
}

/// Serde for a value recorded as its text: written with `Display`, read back with `FromStr`
/// (`#[serde(with = "crate::units::serde_text")]`).
pub mod serde_text {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr<Err: Display>,
        D: Deserializer<'de>,
    {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// An optional duration as optional milliseconds (`null` for none).
pub mod serde_ms_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => crate::units::serde_ms::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<f64>::deserialize(d)?
            .map(|ms| Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom))
            .transpose()
    }
}
