//! The matrix as the analysis client delivers it (`analysis::client::use_matrix`). The tests
//! load the app as a library, with no worker built, so the jobs run on the page a slice per
//! task: the same jobs, bands and answers the worker gives (the e2e journey
//! `e2e/analysis.test.mjs` checks the worker itself).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use iam_engine::eval::Decision;
use iam_engine::root_tasks::root_only_tasks;
use iam_engine::scenario::{InlinePolicy, PrincipalRef, Scenario, User};
use iam_engine::workbench::matrix::{compute_matrix, matrix_principals, mentioned_actions};
use iam_playground_app::analysis::client::{JobStatus, MatrixProgress, MatrixQuery, use_matrix};
use iam_playground_app::analysis::job::filter_columns;
use iam_playground_app::analysis::protocol::MatrixColumns;
use wasm_bindgen_test::*;
use yew::prelude::*;

use crate::common::{assets, mount};

thread_local! {
    /// What each probe last rendered, and its Cancel, by the probe's name.
    static SEEN: RefCell<HashMap<&'static str, (MatrixProgress, Callback<()>)>> =
        RefCell::new(HashMap::new());    /// The first partial answer each probe rendered while its job ran (some rows, not all),
    /// kept because later bands may arrive before a test looks again.
    static PARTIAL: RefCell<HashMap<&'static str, MatrixProgress>> = RefCell::new(HashMap::new());
}

#[derive(Properties, PartialEq)]
struct ProbeProps {
    name: &'static str,
    query: MatrixQuery,
}

/// Runs `use_matrix` and keeps what it returns for the test.
#[component]
fn Probe(props: &ProbeProps) -> Html {
    let (progress, cancel) = use_matrix(props.query.clone());
    if progress.status == JobStatus::Running
        && !progress.rows.is_empty()
        && progress.rows.len() < progress.total
    {
        PARTIAL.with(|p| {
            p.borrow_mut()
                .entry(props.name)
                .or_insert_with(|| progress.clone());
        });
    }
    SEEN.with(|s| s.borrow_mut().insert(props.name, (progress, cancel)));
    html! {}
}

fn seen(name: &'static str) -> (MatrixProgress, Callback<()>) {
    SEEN.with(|s| s.borrow().get(name).cloned()).unwrap()
}

/// A scenario of `users` users, each with an inline policy that allows some actions and
/// denies others, so the matrix has all three decisions.
fn scenario(users: usize) -> Scenario {
    let mut s = Scenario::new("111122223333");
    for i in 0..users {
        let mut u = User::new(format!("user-{i}"));
        let allowed = [
            "s3:GetObject",
            "s3:PutObject",
            "iam:GetUser",
            "ec2:Describe*",
        ][i % 4];
        u.inline_policies.push(InlinePolicy {
            name: "p".into(),
            document: format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["{allowed}","sqs:*"],"Resource":"*"}},{{"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}}{}]}}"#,
                // Every fourth user's SQS cells depend on TLS, which a cell's request leaves
                // open: conditional.
                if i % 4 == 0 {
                    r#",{"Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#
                } else {
                    ""
                }
            ),
        });
        s.add_user(u).unwrap();
    }
    s
}

/// The matrix of `users` users × the SQS actions their policies mention (`sqs:*` expanded).
fn query(users: usize) -> MatrixQuery {
    let (catalog, managed) = assets();
    MatrixQuery {
        scenario: Rc::new(scenario(users)),
        managed: Some(managed),
        catalog: Some(catalog),
        columns: MatrixColumns::Mentioned,
        filter: "SQS:".into(),
        resource: "*".into(),
    }
}

/// The columns `q` asks for, worked out without the job.
fn expected_columns(q: &MatrixQuery) -> Vec<String> {
    let mentioned = mentioned_actions(&q.scenario, q.managed.as_deref(), q.catalog.as_deref());
    filter_columns(mentioned, &q.filter).0
}

/// Waits (polling the timers the jobs run on) until `done` holds for the probe's progress, or
/// fails after about 20 seconds.
async fn wait_for(name: &'static str, done: impl Fn(&MatrixProgress) -> bool) -> MatrixProgress {
    for _ in 0..2000 {
        yew::scheduler::flush().await;
        if let Some((p, _)) = SEEN.with(|s| s.borrow().get(name).cloned())
            && done(&p)
        {
            return p;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    panic!("the matrix of {name} never got there");
}

#[wasm_bindgen_test]
async fn the_matrix_arrives_a_band_at_a_time_and_is_the_engines() {
    let q = query(200);
    mount::<Probe>(ProbeProps {
        name: "whole",
        query: q.clone(),
    });
    let done = wait_for("whole", |p| p.status == JobStatus::Done).await;
    // Partial rows were shown while the job ran (recorded as rendered: on a fast machine every
    // band may arrive between two looks of the test).
    let partial = PARTIAL
        .with(|p| p.borrow().get("whole").cloned())
        .expect("a partial answer was rendered before the whole matrix");
    assert_eq!(partial.total, 201);
    assert!(partial.rows.len() < partial.total && partial.status == JobStatus::Running);
    // The columns arrived first: every SQS action, `sqs:*` expanded.
    let actions = expected_columns(&q);
    assert!(actions.len() > 10 && actions.iter().all(|a| a.starts_with("sqs:")));
    assert!(actions.contains(&"sqs:DeleteQueue".to_string()));
    assert_eq!(partial.actions.as_deref(), Some(actions.as_slice()));
    assert_eq!(done.actions.as_deref(), Some(actions.as_slice()));
    assert_eq!(done.actions_total, actions.len());
    let principals = matrix_principals(&q.scenario);
    let whole = compute_matrix(
        &q.scenario,
        q.managed.as_deref(),
        &iam_engine::workbench::CompileCache::new(),
        &principals,
        &actions,
        "*",
        true,
    );
    assert_eq!(done.rows.len(), principals.len());
    let cells: Vec<Decision> = done.rows.iter().flat_map(|r| r.cells.clone()).collect();
    assert_eq!(cells, whole.cells);
    assert_eq!(done.counts, whole.counts());
    // The conditional cells and their sentences arrive too.
    assert!(!whole.conditional.is_empty());
    assert_eq!(done.conditional, whole.conditional.len());
    for (r, (row, p)) in done.rows.iter().zip(&principals).enumerate() {
        assert_eq!(&row.principal, p);
        assert_eq!(row.error, None);
        for c in 0..row.cells.len() {
            assert_eq!(
                row.conditional(c).map(|s| s.to_string()),
                whole.conditional_sentence(r, c).map(str::to_string)
            );
        }
    }
    let (allowed, explicit, _) = done.counts;
    assert!(allowed > 0 && explicit > 0);
}

#[wasm_bindgen_test]
async fn cancel_stops_the_job_and_keeps_the_rows_so_far() {
    mount::<Probe>(ProbeProps {
        name: "cancelled",
        query: query(400),
    });
    let (first, cancel) = {
        wait_for("cancelled", |p| !p.rows.is_empty()).await;
        seen("cancelled")
    };
    assert_eq!(first.status, JobStatus::Running);
    cancel.emit(());
    let stopped = wait_for("cancelled", |p| p.status == JobStatus::Cancelled).await;
    let kept = stopped.rows.len();
    assert!(kept < stopped.total, "{kept} of {}", stopped.total);
    // Nothing arrives after Cancel.
    for _ in 0..20 {
        gloo::timers::future::TimeoutFuture::new(10).await;
        yew::scheduler::flush().await;
    }
    let (after, _) = seen("cancelled");
    assert_eq!(after.rows.len(), kept);
    assert_eq!(after.status, JobStatus::Cancelled);
}

thread_local! {
    /// Sets the query of the mounted [`Switcher`].
    static SWITCH: RefCell<Option<UseStateHandle<MatrixQuery>>> = const { RefCell::new(None) };
}

#[derive(Properties, PartialEq)]
struct SwitcherProps {
    first: MatrixQuery,
}

/// A probe whose query the test can change, as an edit of the scenario does.
#[component]
fn Switcher(props: &SwitcherProps) -> Html {
    let query = use_state(|| props.first.clone());
    SWITCH.with(|s| *s.borrow_mut() = Some(query.clone()));
    html! { <Probe name="switched" query={(*query).clone()} /> }
}

#[wasm_bindgen_test]
async fn after_an_edit_the_old_rows_stay_until_the_new_ones_arrive() {
    let first = query(30);
    mount::<Switcher>(SwitcherProps {
        first: first.clone(),
    });
    let done = wait_for("switched", |p| p.status == JobStatus::Done).await;
    assert_eq!(done.rows.len(), 31);
    // The same columns over an edited scenario (one user fewer): until its first band, the
    // previous rows stay on screen, marked stale.
    let mut edited = (*first.scenario).clone();
    edited.users.pop();
    let next = MatrixQuery {
        scenario: Rc::new(edited),
        ..first.clone()
    };
    SWITCH.with(|s| s.borrow().clone()).unwrap().set(next);
    yew::scheduler::flush().await;
    let (kept, _) = seen("switched");
    assert!(kept.stale && kept.rows.len() == 31 && kept.status == JobStatus::Running);
    let done = wait_for("switched", |p| p.status == JobStatus::Done).await;
    assert!(!done.stale);
    assert_eq!(done.rows.len(), 30);
    // Other columns: nothing of the previous matrix is kept.
    let other = MatrixQuery {
        columns: MatrixColumns::Service("s3".into()),
        filter: "GetObject".into(),
        ..done.query.clone().unwrap()
    };
    SWITCH.with(|s| s.borrow().clone()).unwrap().set(other);
    yew::scheduler::flush().await;
    let (fresh, _) = seen("switched");
    assert!(!fresh.stale && fresh.rows.len() < 30 && fresh.actions.is_none());
    let done = wait_for("switched", |p| p.status == JobStatus::Done).await;
    let actions = done.actions.clone().unwrap();
    assert!(actions.contains(&"s3:GetObject".to_string()));
    assert!(
        actions
            .iter()
            .all(|a| a.starts_with("s3:") && a.to_ascii_lowercase().contains("getobject"))
    );
    assert_eq!(done.rows.len(), 30);
    assert!(
        done.rows
            .iter()
            .all(|r| r.cells.len() == actions.len() + root_only_tasks().len())
    );
}

#[wasm_bindgen_test]
async fn an_edit_that_changes_what_the_policies_mention_sends_new_columns() {
    // The SQS delete actions `sqs:*` expands to.
    let first = MatrixQuery {
        filter: "sqs:Delete".into(),
        ..query(8)
    };
    mount::<Switcher>(SwitcherProps {
        first: first.clone(),
    });
    let done = wait_for("switched", |p| p.status == JobStatus::Done).await;
    let before = done.actions.clone().unwrap();
    assert!(before.len() > 1 && before.contains(&"sqs:DeleteQueue".to_string()));
    // An edit after which one policy mentions one of them.
    let mut edited = (*first.scenario).clone();
    edited.users.truncate(1);
    edited.users[0].inline_policies[0].document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:DeleteQueue","Resource":"*"}]}"#.into();
    let next = MatrixQuery {
        scenario: Rc::new(edited),
        ..first.clone()
    };
    SWITCH
        .with(|s| s.borrow().clone())
        .unwrap()
        .set(next.clone());
    yew::scheduler::flush().await;
    // Until the job sends its columns, the old ones and their rows stay, marked stale.
    let (kept, _) = seen("switched");
    assert!(kept.stale && kept.actions.as_deref() == Some(&*before));
    let done = wait_for("switched", |p| p.status == JobStatus::Done).await;
    assert!(!done.stale);
    assert_eq!(
        done.actions.as_deref(),
        Some(&["sqs:DeleteQueue".to_string()][..])
    );
    assert_eq!(done.rows.len(), 2);
    let width = 1 + root_only_tasks().len();
    assert!(done.rows.iter().all(|r| r.cells.len() == width));
    let user = done
        .rows
        .iter()
        .find(|r| r.principal == PrincipalRef::User("user-0".into()))
        .unwrap();
    assert_eq!(user.cells[0], Decision::Allowed);
}
