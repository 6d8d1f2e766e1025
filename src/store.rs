//! The app's state: the scenario being edited, its undo history, what is selected and which
//! view is open. Every component reads it from a context and changes it by dispatching an
//! [`Action`]; the reducer is plain Rust, so its logic is tested natively (see the tests below).
//!
//! Edits are whole-scenario snapshots: a component clones the current scenario, applies one of
//! the engine's edit operations (`Scenario::add_user`, `put_inline_policy`, ...) and, only when
//! that succeeds, dispatches the result. A failed edit therefore never reaches the state: the
//! component shows the engine's message where the user typed and the previous valid scenario
//! stays. Snapshots are `Rc`s, so the history costs one scenario per step, and scenarios are
//! small (a few kilobytes of JSON).

use std::rc::Rc;

use iam_engine::scenario::{AWS_MANAGED_PREFIX, DocumentRef, EditError, Scenario, Target};
use iam_engine::span::Span;
use yew::prelude::*;

/// How many undo steps are kept. Older steps are dropped first.
pub const HISTORY_LIMIT: usize = 200;

/// The top-level views (tabs) of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum View {
    /// The account as cards, with the inspector of the selected entity.
    #[default]
    Workspace,
    /// The request panel, saved tests and the access matrix.
    Simulate,
    /// Account analysis: who can, and every path to admin.
    Analysis,
    /// Change review: what the scenario's current version grants or takes away compared
    /// with an earlier one.
    Compare,
    /// Every finding of the scenario.
    Findings,
    /// CloudFormation export and import.
    Export,
    /// Share links and embed code.
    Share,
    /// The examples gallery.
    Examples,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 8] = [
        View::Workspace,
        View::Simulate,
        View::Analysis,
        View::Compare,
        View::Findings,
        View::Export,
        View::Share,
        View::Examples,
    ];

    /// The stable name used in URLs, share links and test selectors.
    pub fn id(self) -> &'static str {
        match self {
            View::Workspace => "workspace",
            View::Simulate => "simulate",
            View::Analysis => "analysis",
            View::Compare => "compare",
            View::Findings => "findings",
            View::Export => "export",
            View::Share => "share",
            View::Examples => "examples",
        }
    }

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            View::Workspace => "Workspace",
            View::Simulate => "Simulator",
            View::Analysis => "Analysis",
            View::Compare => "Compare",
            View::Findings => "Findings",
            View::Export => "Export & import",
            View::Share => "Share & embed",
            View::Examples => "Examples",
        }
    }

    /// Reads a view name; unknown names give `None`.
    pub fn from_id(id: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.id() == id)
    }
}

/// A place in the scenario: an entity, optionally one of its policy texts and a span in it.
/// The inspector shows the entity; the policy editor opens the document and selects the span.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// The entity, or `None` for nothing selected.
    pub target: Option<Target>,
    /// The policy text of the entity to open, if any.
    pub document: Option<DocumentRef>,
    /// The span to select and scroll to in that text (a finding's span, a statement).
    pub span: Option<Span>,
}

impl Selection {
    /// Selects an entity.
    pub fn entity(target: Target) -> Selection {
        Selection {
            target: Some(target),
            document: None,
            span: None,
        }
    }

    /// Selects a span of one of an entity's policy texts.
    pub fn document(target: Target, document: DocumentRef, span: Option<Span>) -> Selection {
        Selection {
            target: Some(target),
            document: Some(document),
            span,
        }
    }
}

// The simulator's highlights are derived from (scenario revision, request) by the engine's
// facade and never stored here; editors compute them through memoization. The types are
// re-exported for the editors that draw them.
pub use iam_engine::workbench::{Highlight, HighlightKind};

/// The simulator's current request. It lives here, not in the simulator component, so it
/// survives switching views and goes into share links. It is the engine's request type: the
/// context keys the user changed are typed overrides (default, absent, empty or set).
pub use iam_engine::workbench::SimulatorRequest as RequestState;

/// A short message for the whole app (a link could not be opened, a scenario was imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `info`, `warning` or `error`: the CSS modifier and the ARIA role it gets.
    pub level: NoticeLevel,
    /// The message, in words for the user.
    pub text: String,
    /// Longer lists behind the message (an import's left-out items), folded until opened.
    pub details: Option<Rc<NoticeDetails>>,
}

/// A notice's lists: groups of items, each shown as its heading with a count and rendered only
/// when the user opens it (an import of a real account leaves out hundreds of items).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticeDetails {
    /// The groups, in the order shown.
    pub groups: Vec<DetailGroup>,
}

/// One group of a notice's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailGroup {
    /// The group's heading, its count included (`180 × Older policy versions`).
    pub heading: String,
    /// The items, one sentence each.
    pub items: Vec<String>,
}

/// How important a [`Notice`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    /// Something happened as asked.
    Info,
    /// Something happened, but the user should know a caveat.
    Warning,
    /// Something could not be done; nothing was changed.
    Error,
}

/// The who-can question of the analysis view: what the user asked, as typed (the view expands
/// the actions with the catalog).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhoCanInput {
    /// Actions: an action, a pattern, `service:AccessLevel`, or several separated by commas.
    pub actions: String,
    /// The resource ARN (empty or `*` for any).
    pub resource: String,
}

/// What the Compare view compares the scenario with (the version before; the scenario as it
/// is now is the version after).
#[derive(Debug, Clone, PartialEq)]
pub enum CompareWith {
    /// The version before the last edit, whichever edit that is now.
    LastEdit,
    /// A version of the undo history, kept even when the history moves on.
    Step {
        /// The scenario as it was.
        scenario: Rc<Scenario>,
        /// The label of the edit that came after it.
        label: String,
    },
    /// A scenario saved in this browser, as it was read when picked.
    Saved {
        /// The slot's name.
        name: String,
        /// The scenario.
        scenario: Rc<Scenario>,
    },
    /// The scenario of a pasted share link.
    Link {
        /// The scenario.
        scenario: Rc<Scenario>,
    },
}

/// The version the Compare view compares with, resolved: the scenario and its name in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The scenario before.
    pub scenario: Rc<Scenario>,
    /// What it is, in words (`the version before “Remove the boundary of user maria”`).
    pub words: String,
}

/// One step of the undo history.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    scenario: Rc<Scenario>,
    label: String,
}

/// The app's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    /// The scenario being edited.
    pub scenario: Rc<Scenario>,
    /// Increases on every change of `scenario` (edit, undo, redo, load): cheap memo key.
    pub revision: u64,
    /// The local slot (named scenario) the scenario is saved in.
    pub slot: String,
    /// Whether the scenario came from a link or an example and is not saved locally yet.
    pub unsaved_copy: bool,
    /// The open view.
    pub view: View,
    /// What is selected.
    pub selection: Selection,
    /// The simulator's request.
    pub request: RequestState,
    /// The analysis view's who-can question, as typed.
    pub who_can: WhoCanInput,
    /// The escalation path the workspace canvas draws, by its key (the analysis's
    /// `PathData::key`); the canvas looks it up in the current analysis, so a path that is gone
    /// is drawn nowhere.
    pub path_on_canvas: Option<String>,
    /// What the Compare view compares the scenario with; `None` until the view is first opened
    /// (the comparison runs only from then on).
    pub compare: Option<CompareWith>,
    /// The message shown at the top, if any.
    pub notice: Option<Notice>,
    /// A read-only embed (`?embed&readonly`): the scenario cannot change (no edit, undo, redo
    /// or open is applied), while the request, the view and the selection still can.
    pub read_only: bool,
    past: Vec<Step>,
    future: Vec<Step>,
    /// The coalescing key of the last edit: consecutive edits with the same key (typing in
    /// one policy) make one undo step.
    last_key: Option<String>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new(Scenario::new("123456789012"), "My scenario".to_owned())
    }
}

/// Everything that changes the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Replaces the scenario with an edited copy, as one undo step named `label`.
    /// Consecutive edits with the same `Some(coalesce)` key merge into one step.
    Edit {
        /// What the edit did, for the undo button's tooltip ("Add user alice").
        label: String,
        /// The scenario after the edit.
        scenario: Rc<Scenario>,
        /// Merges typing bursts: the policy editor passes the document's identity.
        coalesce: Option<String>,
    },
    /// Goes one step back.
    Undo,
    /// Goes one step forward again.
    Redo,
    /// Opens another scenario (a saved one, an example, a link, an import) in the workspace
    /// view. The history starts afresh; the previous scenario stays saved in its own slot.
    Open {
        /// The scenario.
        scenario: Rc<Scenario>,
        /// The slot it lives in.
        slot: String,
        /// Whether it still has to be saved to be kept.
        unsaved_copy: bool,
    },
    /// Marks the open scenario as saved in `slot`.
    Saved {
        /// The slot name.
        slot: String,
    },
    /// Switches views.
    SetView(View),
    /// Changes the selection (and switches to the workspace when `show` is set).
    Select {
        /// The new selection.
        selection: Selection,
        /// Whether to switch to the workspace view to show it.
        show: bool,
    },
    /// Replaces the simulator's request.
    SetRequest(RequestState),
    /// Sets the simulator's request when it is still empty (no principal, no action): the
    /// request a newly opened simulator proposes, which never overwrites one made meanwhile.
    ProposeRequest(RequestState),
    /// Asks the analysis view's who-can question.
    SetWhoCan(WhoCanInput),
    /// Draws an escalation path on the workspace canvas (by its key), or none.
    ShowPath(Option<String>),
    /// Picks what the Compare view compares with.
    SetCompare(CompareWith),
    /// Shows or clears the app-wide message.
    SetNotice(Option<Notice>),
    /// Ends a typing burst (an editor lost focus): the next edit with the same coalescing key
    /// starts a new undo step.
    EndBurst,
}

impl Action {
    /// Whether the action replaces the scenario (what a read-only embed refuses).
    pub fn changes_scenario(&self) -> bool {
        matches!(
            self,
            Action::Edit { .. } | Action::Undo | Action::Redo | Action::Open { .. }
        )
    }
}

/// The code of the error [`edit`] returns in a read-only embed.
pub const READ_ONLY_CODE: &str = "read-only";

/// The error [`edit`] returns when the scenario is read-only.
pub fn read_only_error() -> EditError {
    EditError {
        code: READ_ONLY_CODE,
        message: "This embedded scenario is read-only; open it in the playground to change it."
            .to_owned(),
    }
}

impl Store {
    /// A fresh state holding `scenario` in slot `slot`.
    pub fn new(scenario: Scenario, slot: String) -> Store {
        Store {
            scenario: Rc::new(scenario),
            revision: 0,
            slot,
            unsaved_copy: false,
            view: View::default(),
            selection: Selection::default(),
            request: RequestState::default(),
            who_can: WhoCanInput::default(),
            path_on_canvas: None,
            compare: None,
            notice: None,
            read_only: false,
            past: Vec::new(),
            future: Vec::new(),
            last_key: None,
        }
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// The label of the step Undo would take back.
    pub fn undo_label(&self) -> Option<&str> {
        self.past.last().map(|s| s.label.as_str())
    }

    /// The label of the step Redo would apply again.
    pub fn redo_label(&self) -> Option<&str> {
        self.future.last().map(|s| s.label.as_str())
    }

    /// The undo history, the most recent step first: each step's label and the scenario as it
    /// was before that edit.
    pub fn history(&self) -> impl Iterator<Item = (&str, &Rc<Scenario>)> {
        self.past
            .iter()
            .rev()
            .map(|s| (s.label.as_str(), &s.scenario))
    }

    /// The version the Compare view compares with, when there is one (none before the first
    /// edit while it follows the last edit).
    pub fn baseline(&self) -> Option<Baseline> {
        let before = |label: &str| format!("the version before “{label}”");
        match self.compare.as_ref()? {
            CompareWith::LastEdit => self.past.last().map(|s| Baseline {
                scenario: Rc::clone(&s.scenario),
                words: before(&s.label),
            }),
            CompareWith::Step { scenario, label } => Some(Baseline {
                scenario: Rc::clone(scenario),
                words: before(label),
            }),
            CompareWith::Saved { name, scenario } => Some(Baseline {
                scenario: Rc::clone(scenario),
                words: format!("the saved scenario “{name}”"),
            }),
            CompareWith::Link { scenario } => Some(Baseline {
                scenario: Rc::clone(scenario),
                words: if scenario.title.trim().is_empty() {
                    "the pasted share link".to_string()
                } else {
                    format!("the pasted share link “{}”", scenario.title.trim())
                },
            }),
        }
    }

    /// Applies one action; the reducer's logic, kept apart from Yew for native tests.
    pub fn apply(&mut self, action: Action) {
        if self.read_only && action.changes_scenario() {
            return;
        }
        match action {
            Action::Edit {
                label,
                scenario,
                coalesce,
            } => {
                if *scenario == *self.scenario {
                    return;
                }
                let merge = coalesce.is_some() && coalesce == self.last_key;
                if !merge {
                    self.past.push(Step {
                        scenario: Rc::clone(&self.scenario),
                        label,
                    });
                    if self.past.len() > HISTORY_LIMIT {
                        self.past.remove(0);
                    }
                }
                self.future.clear();
                self.last_key = coalesce;
                self.set_scenario(scenario);
            }
            Action::Undo => {
                self.last_key = None;
                if let Some(step) = self.past.pop() {
                    let current = std::mem::replace(&mut self.scenario, Rc::clone(&step.scenario));
                    self.future.push(Step {
                        scenario: current,
                        label: step.label,
                    });
                    self.changed();
                }
            }
            Action::Redo => {
                self.last_key = None;
                if let Some(step) = self.future.pop() {
                    let current = std::mem::replace(&mut self.scenario, Rc::clone(&step.scenario));
                    self.past.push(Step {
                        scenario: current,
                        label: step.label,
                    });
                    self.changed();
                }
            }
            Action::Open {
                scenario,
                slot,
                unsaved_copy,
            } => {
                self.past.clear();
                self.future.clear();
                self.slot = slot;
                self.unsaved_copy = unsaved_copy;
                self.selection = Selection::default();
                self.request = RequestState::default();
                self.who_can = WhoCanInput::default();
                self.path_on_canvas = None;
                self.compare = None;
                self.view = View::Workspace;
                self.set_scenario(scenario);
            }
            Action::Saved { slot } => {
                self.slot = slot;
                self.unsaved_copy = false;
            }
            Action::SetView(view) => {
                if view == View::Compare && self.compare.is_none() {
                    self.compare = Some(CompareWith::LastEdit);
                }
                self.view = view;
            }
            Action::SetCompare(with) => self.compare = Some(with),
            Action::Select { selection, show } => {
                self.selection = selection;
                if show {
                    self.view = View::Workspace;
                }
            }
            Action::SetRequest(request) => self.request = request,
            Action::ProposeRequest(request) => {
                if self.request.is_empty() {
                    self.request = request;
                }
            }
            Action::SetWhoCan(input) => self.who_can = input,
            Action::ShowPath(key) => {
                if key.is_some() {
                    self.view = View::Workspace;
                }
                self.path_on_canvas = key;
            }
            Action::SetNotice(notice) => self.notice = notice,
            Action::EndBurst => self.last_key = None,
        }
    }

    fn set_scenario(&mut self, scenario: Rc<Scenario>) {
        self.scenario = scenario;
        self.changed();
    }

    /// After any change of the scenario: bump the revision, end the typing burst, and drop a
    /// selection whose entity no longer exists (it was deleted, renamed or undone).
    fn changed(&mut self) {
        self.revision += 1;
        if let Some(target) = &self.selection.target
            && !target_exists(&self.scenario, target)
        {
            self.selection = Selection::default();
        }
    }
}

/// Whether the entity a target names is in the scenario.
pub fn target_exists(scenario: &Scenario, target: &Target) -> bool {
    match target {
        Target::Account | Target::RootUser => true,
        Target::Organization => scenario.organization.is_some(),
        Target::User { name } => scenario.user(name).is_some(),
        Target::Group { name } => scenario.group(name).is_some(),
        Target::Role { name } => scenario.role(name).is_some(),
        Target::Policy { name } => scenario.policy(name).is_some(),
        // AWS's policies exist whether or not the scenario uses them (the canvas can show one
        // before it is attached); the panel says when the data has no such policy.
        Target::AwsPolicy { arn } => arn.starts_with(AWS_MANAGED_PREFIX),
        Target::Resource {
            resource_kind,
            name,
        } => scenario.resource(*resource_kind, name).is_some(),
        Target::ExternalPrincipal { arn } => {
            scenario.external_principals.iter().any(|e| &e.arn == arn)
        }
        Target::Test { index } => *index < scenario.tests.len(),
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// The handle components get from the context.
pub type StoreHandle = UseReducerHandle<Store>;

/// Reads the store from the context. Components outside the provider (only tests) get `None`.
#[hook]
pub fn use_store() -> Option<StoreHandle> {
    use_context::<StoreHandle>()
}

/// Applies an engine edit to a copy of the current scenario and, when it succeeds, dispatches
/// it as one undo step. On failure nothing changes and the engine's error comes back for the
/// component to show beside the field.
pub fn edit(
    store: &StoreHandle,
    label: impl Into<String>,
    f: impl FnOnce(&mut Scenario) -> Result<(), EditError>,
) -> Result<(), EditError> {
    edit_with(store, label, None, f)
}

/// Like [`edit`], merging consecutive edits with the same `coalesce` key into one undo step.
pub fn edit_with(
    store: &StoreHandle,
    label: impl Into<String>,
    coalesce: Option<String>,
    f: impl FnOnce(&mut Scenario) -> Result<(), EditError>,
) -> Result<(), EditError> {
    if store.read_only {
        return Err(read_only_error());
    }
    let mut copy = (*store.scenario).clone();
    f(&mut copy)?;
    store.dispatch(Action::Edit {
        label: label.into(),
        scenario: Rc::new(copy),
        coalesce,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_engine::scenario::{Group, User};

    fn edited(store: &Store, f: impl FnOnce(&mut Scenario)) -> Rc<Scenario> {
        let mut s = (*store.scenario).clone();
        f(&mut s);
        Rc::new(s)
    }

    fn add_user(store: &mut Store, name: &str, key: Option<&str>) {
        let scenario = edited(store, |s| s.users.push(User::new(name)));
        store.apply(Action::Edit {
            label: format!("Add user {name}"),
            scenario,
            coalesce: key.map(str::to_owned),
        });
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut store = Store::default();
        add_user(&mut store, "alice", None);
        add_user(&mut store, "bob", None);
        assert_eq!(store.scenario.users.len(), 2);
        assert_eq!(store.undo_label(), Some("Add user bob"));
        store.apply(Action::Undo);
        assert_eq!(store.scenario.users.len(), 1);
        assert_eq!(store.redo_label(), Some("Add user bob"));
        store.apply(Action::Undo);
        assert!(store.scenario.users.is_empty());
        assert!(!store.can_undo());
        store.apply(Action::Redo);
        store.apply(Action::Redo);
        assert_eq!(store.scenario.users.len(), 2);
        assert!(!store.can_redo());
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let mut store = Store::default();
        add_user(&mut store, "alice", None);
        store.apply(Action::Undo);
        add_user(&mut store, "carol", None);
        assert!(!store.can_redo());
        assert_eq!(store.scenario.users[0].name, "carol");
    }

    #[test]
    fn typing_bursts_coalesce_into_one_step() {
        let mut store = Store::default();
        add_user(&mut store, "a", Some("doc"));
        add_user(&mut store, "b", Some("doc"));
        add_user(&mut store, "c", Some("doc"));
        store.apply(Action::Undo);
        assert!(store.scenario.users.is_empty());
        store.apply(Action::Redo);
        add_user(&mut store, "d", Some("other"));
        store.apply(Action::Undo);
        assert_eq!(store.scenario.users.len(), 3);
    }

    #[test]
    fn ending_a_burst_starts_a_new_step() {
        let mut store = Store::default();
        add_user(&mut store, "a", Some("doc"));
        store.apply(Action::EndBurst);
        add_user(&mut store, "b", Some("doc"));
        store.apply(Action::Undo);
        assert_eq!(store.scenario.users.len(), 1);
    }

    #[test]
    fn an_edit_that_changes_nothing_is_not_a_step() {
        let mut store = Store::default();
        let same = Rc::clone(&store.scenario);
        store.apply(Action::Edit {
            label: "nothing".into(),
            scenario: same,
            coalesce: None,
        });
        assert!(!store.can_undo());
        assert_eq!(store.revision, 0);
    }

    #[test]
    fn history_is_capped() {
        let mut store = Store::default();
        for i in 0..HISTORY_LIMIT + 5 {
            add_user(&mut store, &format!("u{i}"), None);
        }
        let mut undone = 0;
        while store.can_undo() {
            store.apply(Action::Undo);
            undone += 1;
        }
        assert_eq!(undone, HISTORY_LIMIT);
        assert_eq!(store.scenario.users.len(), 5);
    }

    #[test]
    fn undo_drops_a_selection_that_no_longer_exists() {
        let mut store = Store::default();
        add_user(&mut store, "alice", None);
        store.apply(Action::Select {
            selection: Selection::entity(Target::User {
                name: "alice".into(),
            }),
            show: true,
        });
        assert!(store.selection.target.is_some());
        store.apply(Action::Undo);
        assert_eq!(store.selection, Selection::default());
    }

    #[test]
    fn opening_a_scenario_resets_history_and_request() {
        let mut store = Store::default();
        add_user(&mut store, "alice", None);
        store.apply(Action::SetRequest(RequestState {
            principal: "user/alice".into(),
            ..RequestState::default()
        }));
        store.apply(Action::SetWhoCan(WhoCanInput {
            actions: "s3:DeleteBucket".into(),
            resource: "*".into(),
        }));
        store.apply(Action::ShowPath(Some(
            "user/alice|iam-001>user/alice".into(),
        )));
        let mut other = Scenario::new("111122223333");
        other.groups.push(Group::new("Admins"));
        store.apply(Action::Open {
            scenario: Rc::new(other),
            slot: "Linked".into(),
            unsaved_copy: true,
        });
        assert!(!store.can_undo());
        assert_eq!(store.request, RequestState::default());
        assert_eq!(store.who_can, WhoCanInput::default());
        assert_eq!(store.path_on_canvas, None);
        assert_eq!(store.slot, "Linked");
        assert!(store.unsaved_copy);
        store.apply(Action::Saved {
            slot: "Linked".into(),
        });
        assert!(!store.unsaved_copy);
    }

    #[test]
    fn showing_a_path_opens_the_workspace_and_clearing_it_stays() {
        let mut store = Store::default();
        store.apply(Action::SetView(View::Analysis));
        store.apply(Action::ShowPath(None));
        assert_eq!(store.view, View::Analysis);
        store.apply(Action::ShowPath(Some("user/a|iam-001>user/a".into())));
        assert_eq!(store.view, View::Workspace);
        assert_eq!(
            store.path_on_canvas.as_deref(),
            Some("user/a|iam-001>user/a")
        );
        // An edit keeps the choice: the canvas looks the path up in the new analysis.
        add_user(&mut store, "b", None);
        assert!(store.path_on_canvas.is_some());
    }

    #[test]
    fn a_proposed_request_fills_an_empty_one_only() {
        let mut store = Store::default();
        let proposed = RequestState {
            principal: "root".into(),
            action: "s3:ListAllMyBuckets".into(),
            ..RequestState::default()
        };
        store.apply(Action::ProposeRequest(proposed.clone()));
        assert_eq!(store.request, proposed);
        // A request made meanwhile stays.
        let made = RequestState {
            principal: "user/alice".into(),
            ..RequestState::default()
        };
        store.apply(Action::SetRequest(made.clone()));
        store.apply(Action::ProposeRequest(proposed));
        assert_eq!(store.request, made);
    }

    #[test]
    fn a_read_only_store_refuses_scenario_changes_but_not_the_request() {
        let mut store = Store::default();
        add_user(&mut store, "alice", None);
        store.read_only = true;
        let before = Rc::clone(&store.scenario);
        let revision = store.revision;
        add_user(&mut store, "bob", None);
        store.apply(Action::Undo);
        store.apply(Action::Open {
            scenario: Rc::new(Scenario::new("111122223333")),
            slot: "Other".into(),
            unsaved_copy: true,
        });
        assert_eq!(store.scenario, before);
        assert_eq!(store.revision, revision);
        assert!(store.scenario.user("bob").is_none());
        let request = RequestState {
            principal: "user/alice".into(),
            action: "s3:GetObject".into(),
            ..RequestState::default()
        };
        store.apply(Action::SetRequest(request.clone()));
        store.apply(Action::SetView(View::Simulate));
        assert_eq!(store.request, request);
        assert_eq!(store.view, View::Simulate);
    }

    #[test]
    fn compare_starts_with_the_version_before_the_last_edit_and_follows_it() {
        let mut store = Store::default();
        assert_eq!(store.baseline(), None);
        store.apply(Action::SetView(View::Compare));
        assert_eq!(store.compare, Some(CompareWith::LastEdit));
        // Nothing to compare with before the first edit.
        assert_eq!(store.baseline(), None);
        add_user(&mut store, "alice", None);
        let first = store.baseline().unwrap();
        assert!(first.scenario.users.is_empty());
        assert_eq!(first.words, "the version before “Add user alice”");
        add_user(&mut store, "bob", None);
        let second = store.baseline().unwrap();
        assert_eq!(second.scenario.users.len(), 1);
        let labels: Vec<&str> = store.history().map(|(l, _)| l).collect();
        assert_eq!(labels, ["Add user bob", "Add user alice"]);
        // A picked step stays the same scenario as the history moves on.
        let (label, scenario) = store
            .history()
            .nth(1)
            .map(|(l, s)| (l.to_string(), Rc::clone(s)))
            .unwrap();
        store.apply(Action::SetCompare(CompareWith::Step { scenario, label }));
        add_user(&mut store, "carol", None);
        let picked = store.baseline().unwrap();
        assert!(picked.scenario.users.is_empty());
        assert_eq!(picked.words, "the version before “Add user alice”");
        // Leaving and reopening the view keeps the choice; opening another scenario drops it.
        store.apply(Action::SetView(View::Workspace));
        store.apply(Action::SetView(View::Compare));
        assert!(matches!(store.compare, Some(CompareWith::Step { .. })));
        store.apply(Action::Open {
            scenario: Rc::new(Scenario::new("111122223333")),
            slot: "Other".into(),
            unsaved_copy: false,
        });
        assert_eq!(store.compare, None);
    }

    #[test]
    fn saved_and_linked_baselines_are_named_in_words() {
        let mut store = Store::default();
        let mut titled = Scenario::new("111122223333");
        titled.title = "Team account".into();
        store.apply(Action::SetCompare(CompareWith::Link {
            scenario: Rc::new(titled),
        }));
        assert_eq!(
            store.baseline().unwrap().words,
            "the pasted share link “Team account”"
        );
        store.apply(Action::SetCompare(CompareWith::Saved {
            name: "Prod".into(),
            scenario: Rc::new(Scenario::new("111122223333")),
        }));
        assert_eq!(store.baseline().unwrap().words, "the saved scenario “Prod”");
    }

    #[test]
    fn views_round_trip_their_ids() {
        for v in View::ALL {
            assert_eq!(View::from_id(v.id()), Some(v));
        }
        assert_eq!(View::from_id("nope"), None);
    }
}
