//! `iam-playground test FILE [--format junit] [--junit PATH]`: runs a scenario's saved tests
//! through the engine's workbench facade (the same runs the web app's tests panel shows),
//! prints one line per test (or, with `--format junit`, JUnit XML, which CI systems read), and
//! exits 1 when any test fails, 2 when the scenario cannot be read. `--junit PATH` writes the
//! JUnit XML to a file beside the text report.
//!
//! In the XML each saved test is a `testcase`; a wrong decision is a `failure` whose message
//! says the expected and the actual decision and whose text gives the request, both
//! decisions and the engine's reason; a request that cannot be evaluated is an `error`.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::eval::Decision;
use iam_engine::scenario::{ExpectedDecision, Scenario};
use iam_engine::workbench::simulate::TestOutcome;
use iam_engine::workbench::{CompileCache, Workbench};
use quick_xml::Writer;
use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::principal::{managed_policies, read_scenario};

/// Arguments of `test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The scenario file (JSON), or `-` for standard input.
    #[arg(value_name = "FILE")]
    scenario: String,
    /// The output: `text` (one line per test) or `junit` (JUnit XML).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "PATH")]
    junit: Option<String>,
}

/// The output formats of `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Junit,
}

/// AWS's spelling of an expected decision.
fn expected_word(e: ExpectedDecision) -> &'static str {
    match e {
        ExpectedDecision::Allowed => Decision::Allowed.as_aws_str(),
        ExpectedDecision::ExplicitDeny => Decision::ExplicitDeny.as_aws_str(),
        ExpectedDecision::ImplicitDeny => Decision::ImplicitDeny.as_aws_str(),
    }
}

/// A test's name: its label, or its position when it has none.
fn test_name(o: &TestOutcome) -> String {
    if o.label.trim().is_empty() {
        format!("test {}", o.index + 1)
    } else {
        o.label.clone()
    }
}

/// The request of a saved test, in one line.
fn request_line(scenario: &Scenario, o: &TestOutcome) -> String {
    scenario
        .tests
        .get(o.index)
        .map(|t| {
            format!(
                "{} {} on {}",
                String::from(t.principal.clone()),
                t.action,
                t.resource
            )
        })
        .unwrap_or_default()
}

/// Why a test failed, in a sentence (`None` when it passed).
fn failure(o: &TestOutcome) -> Option<String> {
    if o.passed {
        return None;
    }
    Some(match (&o.error, o.actual) {
        (Some(error), _) => format!("could not be evaluated: {error}"),
        (None, Some(actual)) => format!(
            "expected {}, got {}",
            expected_word(o.expected),
            actual.as_aws_str()
        ),
        (None, None) => "could not be evaluated".to_string(),
    })
}

/// The readable report: one line per test and a summary.
fn report(scenario: &Scenario, outcomes: &[TestOutcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let status = if o.passed { "PASS" } else { "FAIL" };
        let what = match failure(o) {
            Some(why) => why,
            None => expected_word(o.expected).to_string(),
        };
        out.push_str(&format!(
            "{status}  {}/{}  {} ({}): {what}\n",
            o.index + 1,
            outcomes.len(),
            test_name(o),
            request_line(scenario, o)
        ));
        if !o.passed
            && let Some(e) = &o.evaluation
        {
            out.push_str(&format!("      {}\n", e.evaluation.summary));
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    out.push_str(&format!(
        "{} tests: {} passed, {failed} failed\n",
        outcomes.len(),
        outcomes.len() - failed
    ));
    out
}

/// The outcomes as JUnit XML: one `testsuite` for the scenario, one `testcase` per saved
/// test, with a `failure` (wrong decision) or an `error` (the request could not be evaluated).
pub fn junit_xml(suite: &str, scenario: &Scenario, outcomes: &[TestOutcome]) -> String {
    let failures = outcomes
        .iter()
        .filter(|o| !o.passed && o.error.is_none())
        .count();
    let errors = outcomes.iter().filter(|o| o.error.is_some()).count();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail; the results are ignored rather than unwrapped.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let tests = outcomes.len().to_string();
    let failures_s = failures.to_string();
    let errors_s = errors.to_string();
    let counts = [
        ("tests", tests.as_str()),
        ("failures", failures_s.as_str()),
        ("errors", errors_s.as_str()),
    ];
    let _ = w.write_event(Event::Start(
        BytesStart::new("testsuites").with_attributes(counts),
    ));
    let _ = w.write_event(Event::Start(
        BytesStart::new("testsuite")
            .with_attributes([("name", suite)])
            .with_attributes(counts),
    ));
    for o in outcomes {
        let name = test_name(o);
        let case = BytesStart::new("testcase")
            .with_attributes([("name", name.as_str()), ("classname", suite)]);
        match failure(o) {
            None => {
                let _ = w.write_event(Event::Empty(case));
            }
            Some(why) => {
                let _ = w.write_event(Event::Start(case));
                let tag = if o.error.is_some() {
                    "error"
                } else {
                    "failure"
                };
                let kind = if o.error.is_some() {
                    "unevaluable"
                } else {
                    "decision"
                };
                let _ = w.write_event(Event::Start(
                    BytesStart::new(tag)
                        .with_attributes([("message", why.as_str()), ("type", kind)]),
                ));
                let mut detail = request_line(scenario, o);
                detail.push_str("\nexpected: ");
                detail.push_str(expected_word(o.expected));
                if let Some(actual) = o.actual {
                    detail.push_str("\nactual: ");
                    detail.push_str(actual.as_aws_str());
                }
                if let Some(error) = &o.error {
                    detail.push_str("\nerror: ");
                    detail.push_str(error);
                }
                if let Some(e) = &o.evaluation {
                    detail.push_str("\nreason: ");
                    detail.push_str(&e.evaluation.summary);
                }
                // CDATA cannot hold "]]>"; text escaping can hold anything.
                if detail.contains("]]>") {
                    let _ = w.write_event(Event::Text(BytesText::new(&detail)));
                } else {
                    let _ = w.write_event(Event::CData(BytesCData::new(detail)));
                }
                let _ = w.write_event(Event::End(BytesEnd::new(tag)));
                let _ = w.write_event(Event::End(BytesEnd::new("testcase")));
            }
        }
    }
    let _ = w.write_event(Event::End(BytesEnd::new("testsuite")));
    let _ = w.write_event(Event::End(BytesEnd::new("testsuites")));
    let mut xml = String::from_utf8_lossy(&w.into_inner()).into_owned();
    xml.push('\n');
    xml
}

/// `iam-playground test`.
pub fn run(args: TestArgs) -> ExitCode {
    let scenario = match read_scenario(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let managed = managed_policies();
    let cache = CompileCache::new();
    let outcomes = Workbench::new(&scenario, &cache)
        .with_managed(managed.as_ref())
        .run_tests();
    let suite = if scenario.title.trim().is_empty() {
        args.scenario.clone()
    } else {
        scenario.title.clone()
    };
    // A closed pipe (`… | head`) ends the output quietly; the exit status still tells.
    match args.format {
        Format::Text => crate::io::out(&report(&scenario, &outcomes)),
        Format::Junit => crate::io::out(&junit_xml(&suite, &scenario, &outcomes)),
    }
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, junit_xml(&suite, &scenario, &outcomes))
    {
        eprintln!("iam-playground: cannot write {path}: {e}");
        return ExitCode::from(2);
    }
    if outcomes.iter().all(|o| o.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
