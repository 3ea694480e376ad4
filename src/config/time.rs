//! Points in time and spans as the config writes them: `expires:` and `reviewedOn:` dates (a
//! calendar date, or an RFC 3339 date-time with a zone) and `every:`-style spans (`14d`, `2w`).
//! Pure: the current time is never read here; `app::clock` supplies it (from `ROSTER_NOW` in
//! tests), so every decision that depends on time is a function of an instant it is given.

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time, UtcOffset};

/// A moment a config names: `2026-12-15` (the start of that day, UTC: a grant that `expires`
/// on a date is gone on that date) or `2026-12-15T17:00:00+10:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct When {
    /// The instant, in UTC.
    pub at: OffsetDateTime,
    /// Whether it was written as a bare date (shown back as a date).
    pub date_only: bool,
}

impl PartialOrd for When {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for When {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

/// Why a text is not a [`When`] or a [`Span`]; the message is a whole sentence fragment for a
/// diagnostic ("expected ...").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError(pub String);

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl When {
    /// Parse a date (`YYYY-MM-DD`) or an RFC 3339 date-time with a zone (`Z` or `±HH:MM`).
    pub fn parse(text: &str) -> Result<When, TimeError> {
        let t = text.trim();
        if t.len() == 10 {
            return Date::parse(t, DATE_FORMAT)
                .map(|d| When {
                    at: d.with_time(Time::MIDNIGHT).assume_utc(),
                    date_only: true,
                })
                .map_err(|_| {
                    TimeError(format!(
                        "`{t}` is not a valid date: expected YYYY-MM-DD, e.g. 2027-03-31"
                    ))
                });
        }
        OffsetDateTime::parse(t, &Rfc3339)
            .map(|at| When {
                at: at.to_offset(UtcOffset::UTC),
                date_only: false,
            })
            .map_err(|_| {
                TimeError(format!(
                    "`{t}` is not a date or a date-time: expected YYYY-MM-DD or an RFC 3339 \
                     date-time with a zone, e.g. 2027-03-31 or 2027-03-31T17:00:00+10:00"
                ))
            })
    }

    /// A point from an instant (for the clock and tests).
    pub fn instant(at: OffsetDateTime) -> When {
        When {
            at: at.to_offset(UtcOffset::UTC),
            date_only: false,
        }
    }

    /// The calendar date (UTC).
    pub fn date(&self) -> Date {
        self.at.date()
    }

    /// This point moved by a span.
    pub fn plus(&self, span: Span) -> When {
        When {
            at: self.at + time::Duration::days(i64::from(span.days)),
            date_only: self.date_only,
        }
    }
}

impl fmt::Display for When {
    /// A date as `2026-12-15`; a date-time as RFC 3339 in UTC (`2026-12-15T07:00:00Z`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date_only {
            write!(
                f,
                "{}",
                self.at.date().format(DATE_FORMAT).map_err(|_| fmt::Error)?
            )
        } else {
            write!(f, "{}", self.at.format(&Rfc3339).map_err(|_| fmt::Error)?)
        }
    }
}

/// Written as the config writes it (`2026-12-15`, or RFC 3339 in UTC), so the desired state's
/// JSON (and its digest) shows dates as dates.
impl serde::Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        When::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A whole number of days, written `14d`, `2w` or `14` (days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub days: u32,
}

impl Span {
    /// The longest span roster accepts (about 100 years), so date arithmetic cannot overflow.
    pub const MAX_DAYS: u32 = 36_600;

    pub fn parse(text: &str) -> Result<Span, TimeError> {
        let t = text.trim();
        let bad = || {
            TimeError(format!(
                "`{t}` is not a span of days: expected a number of days like `14d`, or weeks like `2w`"
            ))
        };
        let (num, mult) = match t.strip_suffix(['d', 'D']) {
            Some(n) => (n, 1),
            None => match t.strip_suffix(['w', 'W']) {
                Some(n) => (n, 7),
                None => (t, 1),
            },
        };
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = num.parse().map_err(|_| bad())?;
        let days = n.checked_mul(mult).ok_or_else(bad)?;
        if days == 0 || days > Span::MAX_DAYS {
            return Err(TimeError(format!(
                "`{t}` must be between 1 and {} days",
                Span::MAX_DAYS
            )));
        }
        Ok(Span { days })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}d", self.days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_the_start_of_that_day_in_utc() {
        let w = When::parse("2026-12-15").unwrap();
        assert!(w.date_only);
        assert_eq!(w.at.unix_timestamp(), 1_797_292_800);
        assert_eq!(w.to_string(), "2026-12-15");
    }

    #[test]
    fn a_date_time_keeps_its_instant_and_shows_in_utc() {
        let w = When::parse("2026-12-15T17:00:00+10:00").unwrap();
        assert!(!w.date_only);
        assert_eq!(w.to_string(), "2026-12-15T07:00:00Z");
        assert!(w > When::parse("2026-12-15").unwrap());
    }

    #[test]
    fn what_the_schema_pattern_allows_parses() {
        for ok in [
            "2026-12-15t17:00:00z",
            "2026-12-15T17:00:00.5Z",
            "2026-12-15T17:00:00-03:30",
        ] {
            assert!(When::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn a_date_time_without_a_zone_or_a_bad_date_is_refused() {
        for bad in [
            "2026-12-15T17:00:00",
            "2026-02-30",
            "15/12/2026",
            "",
            "soon",
            "2026-12-1",
        ] {
            let e = When::parse(bad).unwrap_err();
            assert!(e.0.contains("expected"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_when_serializes_as_written_and_reads_back() {
        for text in ["2026-12-15", "2026-12-15T07:00:00Z"] {
            let w = When::parse(text).unwrap();
            let json = serde_json::to_string(&w).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<When>(&json).unwrap(), w);
        }
    }

    #[test]
    fn spans_are_days_or_weeks() {
        assert_eq!(Span::parse("14d").unwrap().days, 14);
        assert_eq!(Span::parse("2w").unwrap().days, 14);
        assert_eq!(Span::parse("180").unwrap().days, 180);
        for bad in ["0d", "-1d", "1.5d", "d", "14h", "99999999999d", "40000d"] {
            assert!(Span::parse(bad).is_err(), "{bad}");
        }
        let w = When::parse("2026-12-15")
            .unwrap()
            .plus(Span::parse("2w").unwrap());
        assert_eq!(w.to_string(), "2026-12-29");
    }
}
