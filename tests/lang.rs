//! Two languages (issue #22): with `--lang zh` every line of findings.csv and of the
//! terminal summary of the defective generated delivery is in Chinese, with `--lang en`
//! none is; the profile's `[report] lang` and the locale choose when `--lang` is absent;
//! report.json keeps rule ids, field names and each message's id and values whatever the
//! language.

use crate::support::generate::Defect;
use crate::util::{EXIT_REJECTED, check_args, generated, vouch_env};
use std::ffi::OsString;
use std::path::Path;

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Runs the human-format check of the defective delivery into `out` with extra flags and
/// environment; returns (summary, findings.csv, report.json).
fn run(flags: &[&str], env: &[(&str, &str)], out: &Path) -> (String, String, serde_json::Value) {
    let (dir, g) = generated(&Defect::ALL);
    let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, out);
    // No --format json (the summary for people); the profile given replaces dat31.
    let keep = if flags.contains(&"--profile") { 4 } else { 2 };
    args.truncate(args.len() - keep);
    args.extend(flags.iter().map(OsString::from));
    let run = vouch_env(dir.path(), &args, env);
    run.assert_code(EXIT_REJECTED);
    let csv = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let json = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    (run.stdout, csv, json)
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(|l| l.trim_start_matches('\u{feff}')).filter(|l| !l.trim().is_empty())
}

#[test]
fn with_lang_zh_every_line_of_the_summary_and_findings_csv_is_chinese() {
    let out = tempfile::tempdir().unwrap();
    let (summary, csv, json) = run(&["--lang", "zh"], &[("LANG", "C.UTF-8")], out.path());
    for line in lines(&summary).chain(lines(&csv)) {
        assert!(
            has_cjk(line),
            "not Chinese: {line:?}\n--- summary ---\n{summary}\n--- csv ---\n{csv}"
        );
    }
    assert!(lines(&csv).count() > 20, "{csv}");
    assert_eq!(json["lang"], "zh");
    // The public interface stays: rule ids and severities, and each message's id.
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "page-gap" && f["severity"] == "error"));
    for f in findings {
        assert!(
            f["text"]["id"].as_str().is_some_and(|id| id.starts_with(f["rule"].as_str().unwrap())),
            "{f}"
        );
    }
}

#[test]
fn with_lang_en_no_line_is_chinese_and_messages_read_as_before() {
    let out = tempfile::tempdir().unwrap();
    let (summary, csv, json) = run(&["--lang", "en"], &[("LANG", "zh_CN.UTF-8")], out.path());
    // Codes and paths may be Chinese (文书-2020-0006/备份): data, not words of vouch.
    let records = json["records"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str());
    let paths = json["findings"].as_array().unwrap().iter().filter_map(|f| f["path"].as_str());
    let mut codes: Vec<&str> = records.chain(paths).collect();
    codes.sort_by_key(|c| std::cmp::Reverse(c.len()));
    for line in lines(&summary).chain(lines(&csv)) {
        let words = codes.iter().fold(line.to_string(), |l, c| l.replace(c, ""));
        assert!(!has_cjk(&words), "Chinese in English: {line:?}");
    }
    assert!(csv.starts_with("\u{feff}rule,severity,record,path,message"), "{csv}");
    assert!(summary.contains("pages") && summary.lines().last().unwrap().starts_with("REJECTED"));
    assert_eq!(json["lang"], "en");
}

#[test]
fn the_locale_and_the_profile_choose_when_no_lang_is_given() {
    let out = tempfile::tempdir().unwrap();
    let (summary, ..) = run(&[], &[("LANG", "zh_CN.UTF-8")], out.path());
    assert!(summary.lines().last().unwrap().starts_with("不予验收"), "{summary}");
    let profile = out.path().join("en.toml");
    std::fs::write(&profile, "extends = \"dat31\"\n[report]\nlang = \"en\"\n").unwrap();
    let out2 = out.path().join("second");
    let p = profile.to_str().unwrap();
    let (summary, ..) = run(&["--profile", p], &[("LANG", "zh_CN.UTF-8")], &out2);
    assert!(summary.lines().last().unwrap().starts_with("REJECTED"), "{summary}");
}
