//! Readers for typed condition values: numbers, dates, booleans, IP addresses and binary.
//!
//! Each reader accepts a value as text (policy values and `ContextKeyValues` are both text)
//! and returns `None` when the text cannot be read; the caller reports that and never lets
//! an unreadable value match.

use std::cmp::Ordering;
use std::net::IpAddr;

use base64::Engine;

/// A decimal number read exactly (no floating point), borrowing its digits.
///
/// Accepted: an optional sign, digits, and an optional `.` followed by digits
/// (`42`, `-7`, `+3`, `0.25`, `10.50`). Exponents, `NaN`, `.5` and `5.` are not numbers here:
/// AWS documents integers and decimals only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal<'a> {
    negative: bool,
    /// Integer digits without leading zeros.
    int: &'a str,
    /// Fraction digits without trailing zeros.
    frac: &'a str,
}

pub(crate) fn parse_decimal(text: &str) -> Option<Decimal<'_>> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (body.contains('.') && !digits(frac)) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    Some(Decimal {
        // Negative zero is zero.
        negative: negative && !(int.is_empty() && frac.is_empty()),
        int,
        frac,
    })
}

impl Ord for Decimal<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude = self
            .int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(other.int))
            // Fraction digits compare as strings: a shorter prefix is the smaller fraction.
            .then_with(|| self.frac.cmp(other.frac));
        match (self.negative, other.negative) {
            (false, false) => magnitude,
            (true, true) => magnitude.reverse(),
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
        }
    }
}

impl PartialOrd for Decimal<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Reads a date as nanoseconds since 1970-01-01T00:00:00Z.
///
/// AWS accepts "one of the W3C implementations of the ISO 8601 date formats" or epoch
/// (UNIX) seconds (`reference_policies_elements_condition_operators.html`, Date condition
/// operators). Accepted here:
/// - epoch seconds: an optional `-` and digits (`1700000000`). A bare four-digit year is
///   therefore read as epoch seconds, not as the W3C `YYYY` form;
/// - `YYYY-MM`, `YYYY-MM-DD`;
/// - `YYYY-MM-DDThh:mm`, `…:ss` and `…:ss.fraction`, each with `Z`, `±hh:mm` or `±hhmm`, or
///   no zone (read as UTC). `t` and `z` may be lowercase.
pub(crate) fn parse_date(text: &str) -> Option<i128> {
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits_only(body) {
        let secs: i128 = body.parse::<i64>().ok()?.into();
        return Some(if neg { -secs } else { secs } * 1_000_000_000);
    }
    if neg {
        return None;
    }
    let num = |s: &str, len: usize| -> Option<i64> {
        (s.len() == len && digits_only(s))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (date, time) = match text.find(['T', 't']) {
        Some(i) => (text.get(..i)?, Some(text.get(i + 1..)?)),
        None => (text, None),
    };
    let mut dparts = date.split('-');
    let year = num(dparts.next()?, 4)?;
    let month = num(dparts.next()?, 2)?;
    let day = match dparts.next() {
        Some(d) => num(d, 2)?,
        None if time.is_none() => 1,
        None => return None,
    };
    if dparts.next().is_some() || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut nanos: i128 = i128::from(days_from_civil(year, month, day)) * 86_400 * 1_000_000_000;
    let Some(time) = time else {
        return Some(nanos);
    };
    // Split off the zone designator.
    let (clock, offset_secs) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let zone = time.get(i + 1..)?;
        let (zh, zm) = match zone.split_once(':') {
            Some((h, m)) => (num(h, 2)?, num(m, 2)?),
            None if zone.len() == 4 => (num(zone.get(..2)?, 2)?, num(zone.get(2..)?, 2)?),
            None => return None,
        };
        if zh > 23 || zm > 59 {
            return None;
        }
        let sign = if time.get(i..i + 1)? == "-" { -1 } else { 1 };
        (time.get(..i)?, sign * (zh * 3600 + zm * 60))
    } else {
        (time, 0)
    };
    let mut cparts = clock.split(':');
    let hour = num(cparts.next()?, 2)?;
    let minute = num(cparts.next()?, 2)?;
    let (second, frac_nanos) = match cparts.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, frac) = match s.split_once('.') {
                Some((w, f)) => (w, Some(f)),
                None => (s, None),
            };
            let sec = num(whole, 2)?;
            let frac_nanos = match frac {
                None => 0i128,
                Some(f) if digits_only(f) => {
                    // Keep nanosecond precision; further digits cannot change a comparison
                    // between values that differ by more than a nanosecond.
                    let mut n: i128 = 0;
                    for (k, b) in f.bytes().enumerate() {
                        if k < 9 {
                            n = n * 10 + i128::from(b - b'0');
                        }
                    }
                    for _ in f.len()..9 {
                        n *= 10;
                    }
                    n
                }
                Some(_) => return None,
            };
            (sec, frac_nanos)
        }
    };
    if cparts.next().is_some() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let secs = hour * 3600 + minute * 60 + second - offset_secs;
    nanos += i128::from(secs) * 1_000_000_000 + frac_nanos;
    Some(nanos)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (the well-known civil-from-days
/// inverse, computed with eras of 400 years).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads `true` or `false`, in any letter case.
///
/// AWS honours `aws:SecureTransport` written with other capitalisations than `false`
/// (observed and recorded in bridgecrewio/prowler pull request 27), so the comparison
/// ignores case; anything else (`yes`, `1`, `""`) is not a boolean.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Cidr {
    v6: bool,
    addr: u128,
    prefix: u8,
}

fn ip_bits(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(a) => (false, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, u128::from(a)),
    }
}

/// Reads a policy value: a CIDR block (`203.0.113.0/24`, `2001:DB8::/32`) or a bare address
/// (a /32 or /128). Host bits after the prefix are ignored, as a network is meant.
pub(crate) fn parse_cidr(text: &str) -> Option<Cidr> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let (v6, addr) = ip_bits(addr.parse::<IpAddr>().ok()?);
    let max = if v6 { 128 } else { 32 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok().filter(|&n| n <= max)?
        }
        Some(_) => return None,
    };
    Some(Cidr { v6, addr, prefix })
}

/// Reads a request value: one IPv4 or IPv6 address.
pub(crate) fn parse_ip(text: &str) -> Option<(bool, u128)> {
    text.parse::<IpAddr>().ok().map(ip_bits)
}

impl Cidr {
    /// Whether the address is in the network. An IPv4 address is never in an IPv6 network
    /// and the reverse (AWS lists IPv4 and IPv6 ranges separately for `aws:SourceIp`).
    pub(crate) fn contains(&self, (v6, addr): (bool, u128)) -> bool {
        if v6 != self.v6 {
            return false;
        }
        let width: u32 = if v6 { 128 } else { 32 };
        let shift = width - u32::from(self.prefix);
        if shift >= 128 {
            return true;
        }
        (addr >> shift) == (self.addr >> shift)
    }
}

/// Decodes standard base64 (padding optional), as `BinaryEquals` compares
/// "against a base-64 encoded representation of the binary value in the policy".
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    const ENGINE: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::general_purpose::PAD_INDIFFERENT,
    );
    ENGINE.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal<'_> {
        parse_decimal(s).unwrap()
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("007"), d("7"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("9") < d("10"));
        assert!(d("0.5") < d("0.51"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("-1") < d("0.1"));
        assert!(d("123456789012345678901234567890") > d("123456789012345678901234567889"));
        assert_eq!(d("+3"), d("3"));
    }

    #[test]
    fn non_numbers_are_rejected() {
        for s in [
            "", "-", "abc", "1e3", ".5", "5.", "1.2.3", "NaN", " 1", "0x10", "1_000",
        ] {
            assert!(parse_decimal(s).is_none(), "{s}");
        }
    }

    #[test]
    fn dates_in_w3c_forms_and_epoch() {
        let t = parse_date("2020-04-01T00:00:00Z").unwrap();
        assert_eq!(t, 1_585_699_200 * 1_000_000_000);
        assert_eq!(parse_date("1585699200"), Some(t));
        assert_eq!(parse_date("2020-04-01"), Some(t));
        assert_eq!(parse_date("2020-04"), Some(t));
        assert_eq!(parse_date("2020-04-01T00:00Z"), Some(t));
        assert_eq!(parse_date("2020-04-01T02:00:00+02:00"), Some(t));
        assert_eq!(parse_date("2020-03-31T19:00:00-0500"), Some(t));
        assert_eq!(parse_date("2020-04-01t00:00:00z"), Some(t));
        assert_eq!(parse_date("2020-04-01T00:00:00"), Some(t));
        assert_eq!(parse_date("2020-04-01T00:00:00.5Z"), Some(t + 500_000_000));
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1969-12-31T23:59:59Z"), Some(-1_000_000_000));
        assert_eq!(
            parse_date("2024-02-29"),
            Some(1_709_164_800 * 1_000_000_000)
        );
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for s in [
            "",
            "2023-02-29",
            "2020-13-01",
            "2020-00-10",
            "2020-04-31",
            "2020-04-01T24:00:00Z",
            "2020-04-01T10:60Z",
            "2020-04-01T10:00:00+25:00",
            "20-04-01",
            "2020/04/01",
            "yesterday",
            "2020-04-01T",
            "2020-04T10:00Z",
            "-2020-04-01",
        ] {
            assert!(parse_date(s).is_none(), "{s}");
        }
    }

    #[test]
    fn booleans_ignore_case_but_nothing_else() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("False"), Some(false));
        for s in ["yes", "1", "", " true", "t"] {
            assert_eq!(parse_bool(s), None, "{s}");
        }
    }

    #[test]
    fn cidrs_contain_addresses() {
        let net = parse_cidr("192.0.2.0/24").unwrap();
        assert!(net.contains(parse_ip("192.0.2.77").unwrap()));
        assert!(!net.contains(parse_ip("192.0.3.1").unwrap()));
        let host = parse_cidr("10.1.2.3").unwrap();
        assert!(host.contains(parse_ip("10.1.2.3").unwrap()));
        assert!(!host.contains(parse_ip("10.1.2.4").unwrap()));
        let all = parse_cidr("0.0.0.0/0").unwrap();
        assert!(all.contains(parse_ip("8.8.8.8").unwrap()));
        let sloppy = parse_cidr("10.1.2.3/8").unwrap();
        assert!(sloppy.contains(parse_ip("10.200.0.1").unwrap()));
    }

    #[test]
    fn ipv6_networks_and_families() {
        let net = parse_cidr("2001:DB8:1234:5678::/64").unwrap();
        assert!(net.contains(parse_ip("2001:db8:1234:5678::1").unwrap()));
        assert!(!net.contains(parse_ip("2001:db8:1234:5679::1").unwrap()));
        let v4 = parse_cidr("0.0.0.0/0").unwrap();
        assert!(!v4.contains(parse_ip("::1").unwrap()));
        let v6all = parse_cidr("::/0").unwrap();
        assert!(!v6all.contains(parse_ip("1.2.3.4").unwrap()));
        assert!(v6all.contains(parse_ip("::ffff:1.2.3.4").unwrap()));
    }

    #[test]
    fn bad_addresses_are_rejected() {
        for s in [
            "",
            "10.0.0.0/33",
            "10.0.0/8",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "x",
        ] {
            assert!(parse_cidr(s).is_none(), "{s}");
        }
        assert!(parse_ip("10.0.0.0/8").is_none());
        assert!(parse_ip("300.1.1.1").is_none());
    }

    #[test]
    fn base64_decodes_with_or_without_padding() {
        assert_eq!(decode_base64("aGk="), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("aGk"), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("a*b"), None);
    }
}
