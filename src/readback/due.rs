//! `vouch due`: which stored media must be tested now, and which to test.
//!
//! A medium is due when its type's interval (profile `[readback.interval_months]`) has
//! elapsed since its last readback test, or since it was written if it was never tested:
//! `due_on = base + interval`, in calendar months, where a day that the target month
//! lacks is clamped to the month's last day (jiff's rule), so a disk written on
//! 2024-02-29 is due for its 24-month test on 2026-02-28, never a day late. Due means
//! `on >= due_on`. For each type with something due, a sample of at least the profile's
//! rate of that type's media (never fewer than one) is proposed, least recently tested
//! first, ties broken by a seeded rank so the proposal is reproducible. A medium whose
//! last test failed is listed for recovery whatever its dates say.

use crate::ledger::{self, Event, Ledger, Medium};
use crate::profile::readback::{MediaType, Readback};
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A medium's testing state, from the ledger.
#[derive(Clone, Debug, Serialize)]
pub struct State {
    /// The medium's id.
    pub id: String,
    /// Its type.
    #[serde(rename = "type")]
    pub media_type: MediaType,
    /// Its label.
    pub label: Option<String>,
    /// When it was written.
    #[serde(serialize_with = "date")]
    pub written: Date,
    /// Readback tests recorded.
    pub tests: u64,
    /// Date of the last test.
    #[serde(serialize_with = "opt_date")]
    pub last_test: Option<Date>,
    /// Result of the last test (`pass` / `fail`).
    pub last_result: Option<String>,
    /// When the next test is due.
    #[serde(serialize_with = "date")]
    pub due_on: Date,
}

/// Every registered medium's state as of `until`, in ledger order: media written later and
/// tests dated later are left out, so asking about a past date gives the answer that was
/// right then. `Err` names a line with a bad date.
pub fn states(
    entries: &[&ledger::Entry],
    cfg: &Readback,
    until: Date,
) -> anyhow::Result<Vec<State>> {
    let mut out: Vec<State> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        let at = |what: &str| format!("ledger line {}: {what}", e.seq);
        match &e.event {
            Event::Medium(m) => {
                let written = ledger::parse_date(&at("written"), &m.written)?;
                if written > until {
                    continue;
                }
                index.insert(m.id.clone(), out.len());
                out.push(new_state(m, written, cfg));
            }
            Event::Readback(r) => {
                let date = ledger::parse_date(&at("date"), &r.date)?;
                if date > until {
                    continue;
                }
                let Some(s) = index.get(&r.id).map(|&i| &mut out[i]) else { continue };
                s.tests += 1;
                if s.last_test.is_none_or(|d| d <= date) {
                    s.last_test = Some(date);
                    s.last_result = Some(r.result.clone());
                    // A medium that failed its test is due again at once (after
                    // recovery), never a routine interval later.
                    s.due_on = match r.result.as_str() {
                        "fail" => date,
                        _ => add_months(date, cfg.interval(s.media_type)),
                    };
                }
            }
        }
    }
    Ok(out)
}

fn new_state(m: &Medium, written: Date, cfg: &Readback) -> State {
    State {
        id: m.id.clone(),
        media_type: m.media_type,
        label: m.label.clone(),
        written,
        tests: 0,
        last_test: None,
        last_result: None,
        due_on: add_months(written, cfg.interval(m.media_type)),
    }
}

fn date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// `date` plus `months` calendar months, the day clamped to the month's end.
pub fn add_months(date: Date, months: u32) -> Date {
    date.checked_add(jiff::Span::new().months(i64::from(months))).unwrap_or(Date::MAX)
}

/// What is due on one date.
#[derive(Debug, Serialize)]
pub struct DueList {
    /// The date asked about.
    #[serde(serialize_with = "date")]
    pub on: Date,
    /// The least fraction of each type's media to sample.
    pub rate: f64,
    /// The seed breaking ties in the proposals.
    pub seed: u64,
    /// One block per media type that has media.
    pub types: Vec<TypePlan>,
    /// Media whose last test failed: recovery needed.
    pub recovery: Vec<State>,
}

/// The due list and proposal for one media type.
#[derive(Debug, Serialize)]
pub struct TypePlan {
    /// The type.
    #[serde(rename = "type")]
    pub media_type: MediaType,
    /// Its interval, months.
    pub interval_months: u32,
    /// Media of this type registered.
    pub media: u64,
    /// Media due, most overdue first.
    pub due: Vec<State>,
    /// Ids proposed for testing now (empty when nothing is due).
    pub sample: Vec<String>,
}

/// The plan for `on`.
pub fn plan(states: &[State], on: Date, cfg: &Readback, seed: u64) -> DueList {
    let mut types = Vec::new();
    for t in MediaType::ALL {
        let mut all: Vec<&State> = states.iter().filter(|s| s.media_type == t).collect();
        if all.is_empty() {
            continue;
        }
        let mut due: Vec<State> =
            all.iter().filter(|s| s.due_on <= on).map(|&s| s.clone()).collect();
        due.sort_by(|a, b| (a.due_on, &a.id).cmp(&(b.due_on, &b.id)));
        all.sort_by_key(|s| (s.last_test.unwrap_or(s.written), rank(seed, &s.id)));
        let wanted = ((all.len() as f64 * cfg.rate).ceil() as usize).clamp(1, all.len());
        let sample = if due.is_empty() {
            Vec::new()
        } else {
            all.iter().take(wanted.max(1)).map(|s| s.id.clone()).collect()
        };
        let (media, interval_months) = (all.len() as u64, cfg.interval(t));
        types.push(TypePlan { media_type: t, interval_months, media, due, sample });
    }
    let recovery =
        states.iter().filter(|s| s.last_result.as_deref() == Some("fail")).cloned().collect();
    DueList { on, rate: cfg.rate, seed, types, recovery }
}

fn rank(seed: u64, id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    h.update(id.as_bytes());
    h.finalize().into()
}

/// The default seed: from the date asked about and the ledger's head, so the same
/// question about the same ledger gets the same answer.
pub fn default_seed(on: Date, ledger: &Ledger) -> u64 {
    let mut h = Sha256::new();
    h.update(b"vouch-due-v1\n");
    h.update(on.to_string().as_bytes());
    h.update(ledger.lines.last().map_or(ledger::GENESIS, |l| l.sha256.as_str()).as_bytes());
    let d = h.finalize();
    u64::from_be_bytes(d[..8].try_into().expect("8 bytes"))
}

/// The plan for people.
pub fn render_human(p: &DueList, profile: &str) -> String {
    let mut s = format!(
        "due on {} (profile {profile}; sample at least {}% of each type)\n",
        p.on,
        p.rate * 100.0
    );
    for t in &p.types {
        let name = t.media_type.name();
        s += &format!(
            "{name} (every {} months): {} of {} media due\n",
            t.interval_months,
            t.due.len(),
            t.media
        );
        for d in &t.due {
            let last =
                d.last_test.map_or_else(|| "never tested".into(), |l| format!("last tested {l}"));
            let label = d.label.as_deref().map(|l| format!(" [{l}]")).unwrap_or_default();
            s += &format!(
                "  {}{label}  written {}, {last}, due since {}\n",
                d.id, d.written, d.due_on
            );
        }
        if !t.sample.is_empty() {
            s += &format!("  test now (seed {}): {}\n", p.seed, t.sample.join(", "));
        }
    }
    if p.types.is_empty() {
        s += "no media registered\n";
    }
    for r in &p.recovery {
        let when = r.last_test.map(|d| d.to_string()).unwrap_or_default();
        s += &format!("RECOVERY NEEDED: {} failed its readback test on {when}\n", r.id);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Entry, ManifestPin, Readback as Test};

    fn entry(seq: u64, event: Event) -> Entry {
        let (prev, time, operator, tool) =
            (String::new(), String::new(), String::new(), String::new());
        Entry { seq, prev, time, operator, tool, event }
    }

    fn medium(id: &str, t: MediaType, written: &str) -> Event {
        let manifest = ManifestPin { path: "m".into(), sha256: "0".repeat(64), entries: 1 };
        Event::Medium(Medium {
            id: id.into(),
            media_type: t,
            written: written.into(),
            label: None,
            manifest,
        })
    }

    fn tested(id: &str, date: &str, result: &str) -> Event {
        Event::Readback(Test {
            id: id.into(),
            date: date.into(),
            result: result.into(),
            rate: 0.1,
            seed: 1,
            files_sampled: 1,
            files_listed: 10,
            bytes_read: 1,
            counts: BTreeMap::new(),
            manifest_sha256: "0".repeat(64),
            report: None,
        })
    }

    /// Ten years of media: magnetic M1–M5, optical O1–O4, some tested, one failed.
    fn ledger() -> Vec<Entry> {
        use MediaType::{Magnetic as M, Optical as O};
        let events = [
            medium("M1", M, "2016-03-15"),
            medium("O1", O, "2016-06-01"),
            medium("M2", M, "2018-01-10"),
            tested("M1", "2018-03-01", "pass"),
            medium("O2", O, "2019-09-09"),
            medium("M3", M, "2020-05-20"),
            tested("O1", "2020-05-30", "pass"),
            tested("M2", "2020-01-05", "pass"),
            medium("M4", M, "2022-11-30"),
            medium("O3", O, "2023-07-01"),
            tested("M1", "2022-02-01", "pass"),
            medium("M5", M, "2024-02-29"),
            medium("O4", O, "2025-12-31"),
            tested("M3", "2024-06-01", "fail"),
        ];
        events.into_iter().enumerate().map(|(i, e)| entry(i as u64 + 1, e)).collect()
    }

    fn due_ids(on: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
        let entries = ledger();
        let refs: Vec<&Entry> = entries.iter().collect();
        let cfg = Readback::default();
        let s = states(&refs, &cfg, on.parse().unwrap()).unwrap();
        let p = plan(&s, on.parse().unwrap(), &cfg, 42);
        let ids = |t: MediaType| {
            p.types
                .iter()
                .find(|x| x.media_type == t)
                .map_or(vec![], |x| x.due.iter().map(|d| d.id.clone()).collect())
        };
        let recovery = p.recovery.iter().map(|r| r.id.clone()).collect();
        (ids(MediaType::Magnetic), ids(MediaType::Optical), recovery)
    }

    #[test]
    fn due_lists_over_ten_years() {
        // (on, magnetic due, optical due), most overdue first.
        let table: &[(&str, &[&str], &[&str])] = &[
            ("2017-01-01", &[], &[]),
            ("2018-03-14", &[], &[]),
            ("2018-03-15", &[], &[]), // M1 was tested 2018-03-01, before its due date
            ("2020-01-10", &[], &[]), // M2 tested 2020-01-05, ahead of time
            ("2020-06-01", &["M1"], &[]), // O1 due 2020-06-01 but tested 2020-05-30
            ("2022-01-05", &["M1", "M2"], &[]), // M1's 2022-02-01 test is still ahead
            ("2023-09-09", &["M2", "M3"], &["O2"]),
            ("2024-02-01", &["M2", "M3", "M1"], &["O2"]),
            // M3 failed its test on 2024-06-01: due again at once, not 24 months later.
            ("2024-11-30", &["M2", "M1", "M3", "M4"], &["O2", "O1"]),
            ("2026-02-27", &["M2", "M1", "M3", "M4"], &["O2", "O1"]),
            ("2026-02-28", &["M2", "M1", "M3", "M4", "M5"], &["O2", "O1"]), // 2024-02-29 + 24 months
            ("2026-06-01", &["M2", "M1", "M3", "M4", "M5"], &["O2", "O1"]),
            ("2027-07-01", &["M2", "M1", "M3", "M4", "M5"], &["O2", "O1", "O3"]),
        ];
        for (on, magnetic, optical) in table {
            let (m, o, _) = due_ids(on);
            let (m, o): (Vec<&str>, Vec<&str>) =
                (m.iter().map(String::as_str).collect(), o.iter().map(String::as_str).collect());
            assert_eq!((m, o), (magnetic.to_vec(), optical.to_vec()), "on {on}");
        }
        assert_eq!(due_ids("2019-01-01").2, Vec::<String>::new());
        assert_eq!(due_ids("2024-06-01").2, vec!["M3".to_string()]);
    }

    #[test]
    fn the_proposal_takes_the_rate_least_recently_tested_first() {
        let entries = ledger();
        let refs: Vec<&Entry> = entries.iter().collect();
        let cfg = Readback::default();
        let on: Date = "2024-11-30".parse().unwrap();
        let p = plan(&states(&refs, &cfg, on).unwrap(), on, &cfg, 42);
        let magnetic = &p.types[0];
        assert_eq!(magnetic.media, 5);
        assert_eq!(magnetic.sample, ["M2"], "10% of 5 is one medium: the longest untested");
        let on: Date = "2017-01-01".parse().unwrap();
        let early = plan(&states(&refs, &cfg, on).unwrap(), on, &cfg, 42);
        assert!(early.types.iter().all(|t| t.sample.is_empty()), "nothing due, nothing proposed");
    }

    #[test]
    fn a_leap_day_is_due_on_the_last_day_of_february() {
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!(add_months(d, 24).to_string(), "2026-02-28");
        assert_eq!(add_months(d, 48).to_string(), "2028-02-29");
        assert_eq!(add_months("2023-08-31".parse().unwrap(), 12).to_string(), "2024-08-31");
    }
}
