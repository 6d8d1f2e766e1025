//! Views loaded on demand: the release build cuts each view into a wasm chunk of its own.
//!
//! The app's first visit loads the shell (header, tabs, store, storage) and the one view the
//! address opens; every other view's code, with everything only it uses (the engine's
//! analysis, the Terraform and CloudFormation writers, the YAML and HCL readers ...), is fetched
//! the first time it is shown. [`LazyView`] renders a [`Part`] by name: while its chunk loads it
//! shows a short "Loading …" status, and if the chunk cannot be fetched it says so, with a
//! button to try again.
//!
//! How: in the release build (`cfg(split_build)`, see [`crate::split`]) each part's renderer is
//! returned by a `#[wasm_split(..)]` function (the `wasm_split_helpers` crate).
//! `wasm_split_cli` then moves each such function and the code only it reaches into
//! `<part>.wasm`, code shared by several parts into shared chunks, and gives the main module
//! an import that fetches them. Elsewhere (debug builds, `trunk serve`, the tests) the renderer
//! is called directly and nothing waits.

use yew::prelude::*;

use crate::components::analysis::AnalysisView;
use crate::components::compare::CompareView;
use crate::components::embed::canvas::CanvasPicture;
use crate::components::embed::decision_card::DecisionCard;
use crate::components::embed::saved_tests::TestsTable;
use crate::components::embed::try_it::TryIt;
use crate::components::export::ExportView;
use crate::components::findings::FindingsView;
use crate::components::gallery::Gallery;
use crate::components::on_demand::use_on_demand;
use crate::components::share::ShareView;
use crate::components::simulator::Simulator;
use crate::components::workspace::Workspace;
use crate::components::workspace::inspector::{
    EntityPanel, EntityPanelSlot, OrgEditorSlot, OrgPolicyEditor, Slot,
};
use crate::split::LoadFailed;
use iam_engine::scenario::Target;
use iam_engine::workbench::guardrail::GuardrailRef;

/// A part of the app that is loaded on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Workspace,
    Simulator,
    Analysis,
    Compare,
    Findings,
    Export,
    Share,
    Gallery,
    /// The embed's compact views.
    Decision,
    TryIt,
    Tests,
    Canvas,
    /// The workspace inspector's panels of selected entities (the account's is the
    /// workspace's own).
    Inspector,
}

impl Part {
    /// Every part, in the order of [`Part::index`].
    pub const ALL: [Part; 13] = [
        Part::Workspace,
        Part::Simulator,
        Part::Analysis,
        Part::Compare,
        Part::Findings,
        Part::Export,
        Part::Share,
        Part::Gallery,
        Part::Decision,
        Part::TryIt,
        Part::Tests,
        Part::Canvas,
        Part::Inspector,
    ];

    #[cfg(split_build)]
    fn index(self) -> usize {
        self as usize
    }

    /// The name a reader sees while the part loads.
    pub fn label(self) -> &'static str {
        match self {
            Part::Workspace => "the workspace",
            Part::Simulator => "the simulator",
            Part::Analysis => "the analysis",
            Part::Compare => "the change review",
            Part::Findings => "the findings",
            Part::Export => "the export",
            Part::Share => "sharing",
            Part::Gallery => "the examples",
            Part::Decision => "the decision",
            Part::TryIt => "the policy",
            Part::Tests => "the saved tests",
            Part::Canvas => "the picture",
            Part::Inspector => "the inspector",
        }
    }
}

/// Props of [`LazyView`] (and of every part's renderer).
#[derive(Properties, PartialEq, Clone)]
pub struct LazyProps {
    pub part: Part,
    /// The policy the embed's `try` view shows (its `policy` parameter).
    #[prop_or_default]
    pub policy: Option<AttrValue>,
    /// The entity the inspector's panel shows.
    #[prop_or_default]
    pub target: Option<Target>,
    /// The SCP or RCP whose editor the inspector's chunk shows in the account panel.
    #[prop_or_default]
    pub guardrail: Option<GuardrailRef>,
    /// What a reader sees is loading, when not the part's [`Part::label`].
    #[prop_or_default]
    pub label: Option<AttrValue>,
}

/// Renders a part. A plain function pointer: the split build returns it from the part's chunk.
pub type Render = fn(&LazyProps) -> Html;

/// Each part's renderer. In the split build only the chunk's split function names it, so its
/// component (and what only that component uses) goes to the chunk.
mod render {
    use super::*;

    pub fn workspace(_: &LazyProps) -> Html {
        html! {
            <ContextProvider<EntityPanelSlot> context={Slot(entity_slot)}>
            <ContextProvider<OrgEditorSlot> context={Slot(org_editor_slot)}>
                <Workspace />
            </ContextProvider<OrgEditorSlot>>
            </ContextProvider<EntityPanelSlot>>
        }
    }
    /// The inspector's panel of a selected entity, loaded on demand.
    fn entity_slot(target: &Target) -> Html {
        html! {
            <LazyView key={target.to_string()} part={Part::Inspector} target={Some(target.clone())} />
        }
    }
    /// An SCP's or RCP's editor in the account panel, loaded on demand (with the policy
    /// editor and the evaluation of its truth tables, which the account panel alone does not
    /// need).
    fn org_editor_slot(guardrail: &GuardrailRef) -> Html {
        html! {
            <LazyView part={Part::Inspector} guardrail={Some(*guardrail)}
                label={AttrValue::Static("the policy editor")} />
        }
    }
    pub fn inspector(props: &LazyProps) -> Html {
        match (&props.target, props.guardrail) {
            (Some(target), _) => html! { <EntityPanel target={target.clone()} /> },
            (None, Some(guardrail)) => html! { <OrgPolicyEditor {guardrail} /> },
            (None, None) => html! {},
        }
    }
    pub fn simulator(_: &LazyProps) -> Html {
        html! { <Simulator /> }
    }
    pub fn analysis(_: &LazyProps) -> Html {
        html! { <AnalysisView /> }
    }
    pub fn compare(_: &LazyProps) -> Html {
        html! { <CompareView /> }
    }
    pub fn findings(_: &LazyProps) -> Html {
        html! { <FindingsView /> }
    }
    pub fn export(_: &LazyProps) -> Html {
        html! { <ExportView /> }
    }
    pub fn share(_: &LazyProps) -> Html {
        html! { <ShareView /> }
    }
    pub fn gallery(_: &LazyProps) -> Html {
        html! { <Gallery /> }
    }
    pub fn decision(_: &LazyProps) -> Html {
        html! { <DecisionCard /> }
    }
    pub fn try_it(props: &LazyProps) -> Html {
        html! { <TryIt policy={props.policy.clone()} /> }
    }
    pub fn tests(_: &LazyProps) -> Html {
        html! { <TestsTable /> }
    }
    pub fn canvas(_: &LazyProps) -> Html {
        html! { <CanvasPicture /> }
    }
}

#[cfg(not(split_build))]
mod loader {
    use super::*;

    /// Without the split build every part is in the one module: nothing is ever loading.
    pub fn render_fn(part: Part) -> Render {
        match part {
            Part::Workspace => render::workspace,
            Part::Simulator => render::simulator,
            Part::Analysis => render::analysis,
            Part::Compare => render::compare,
            Part::Findings => render::findings,
            Part::Export => render::export,
            Part::Share => render::share,
            Part::Gallery => render::gallery,
            Part::Decision => render::decision,
            Part::TryIt => render::try_it,
            Part::Tests => render::tests,
            Part::Canvas => render::canvas,
            Part::Inspector => render::inspector,
        }
    }

    pub fn loaded(part: Part) -> Option<Render> {
        Some(render_fn(part))
    }

    pub async fn load(part: Part) -> Result<Render, LoadFailed> {
        Ok(render_fn(part))
    }
}

#[cfg(split_build)]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod loader {
    use std::cell::RefCell;

    use wasm_split_helpers::wasm_split;

    use super::*;

    // The split points. `wasm_split_cli` puts the split points of one name into one module,
    // and code reached from several modules into shared chunks (a file each). Grouped by what
    // a reader opens together, so a view needs a handful of files, not dozens: the workspace
    // (the app's first view); the simulator; the analysis and the change review; the export,
    // sharing and the examples; the embed's decision card and tests table; its other compact
    // views (with the policy editor) and the findings (a compact view too). (The importers and
    // template writers run in the worker; a page without one fetches them as `page_import` and
    // `page_export`, see `analysis::page_split`.)
    #[wasm_split(workspace, fallible)]
    fn workspace() -> Result<Render, LoadFailed> {
        Ok(render::workspace)
    }
    #[wasm_split(simulator, fallible)]
    fn simulator() -> Result<Render, LoadFailed> {
        Ok(render::simulator)
    }
    #[wasm_split(analysis, fallible)]
    fn analysis() -> Result<Render, LoadFailed> {
        Ok(render::analysis)
    }
    #[wasm_split(analysis, fallible)]
    fn compare() -> Result<Render, LoadFailed> {
        Ok(render::compare)
    }
    #[wasm_split(embed_more, fallible)]
    fn findings() -> Result<Render, LoadFailed> {
        Ok(render::findings)
    }
    #[wasm_split(export, fallible)]
    fn export() -> Result<Render, LoadFailed> {
        Ok(render::export)
    }
    #[wasm_split(export, fallible)]
    fn share() -> Result<Render, LoadFailed> {
        Ok(render::share)
    }
    #[wasm_split(export, fallible)]
    fn gallery() -> Result<Render, LoadFailed> {
        Ok(render::gallery)
    }
    #[wasm_split(embed, fallible)]
    fn decision() -> Result<Render, LoadFailed> {
        Ok(render::decision)
    }
    #[wasm_split(embed_more, fallible)]
    fn try_it() -> Result<Render, LoadFailed> {
        Ok(render::try_it)
    }
    #[wasm_split(embed, fallible)]
    fn tests() -> Result<Render, LoadFailed> {
        Ok(render::tests)
    }
    #[wasm_split(embed_more, fallible)]
    fn canvas() -> Result<Render, LoadFailed> {
        Ok(render::canvas)
    }
    #[wasm_split(inspector, fallible)]
    fn inspector() -> Result<Render, LoadFailed> {
        Ok(render::inspector)
    }

    thread_local! {
        static LOADED: RefCell<[Option<Render>; Part::ALL.len()]> =
            const { RefCell::new([None; Part::ALL.len()]) };
    }

    pub fn loaded(part: Part) -> Option<Render> {
        LOADED.with(|loaded| loaded.borrow()[part.index()])
    }

    /// Fetches the part's chunk (once; concurrent calls share the fetch, a failed one is
    /// tried again on the next call) and returns its renderer.
    pub async fn load(part: Part) -> Result<Render, LoadFailed> {
        if let Some(render) = loaded(part) {
            return Ok(render);
        }
        let render = match part {
            Part::Workspace => workspace().await,
            Part::Simulator => simulator().await,
            Part::Analysis => analysis().await,
            Part::Compare => compare().await,
            Part::Findings => findings().await,
            Part::Export => export().await,
            Part::Share => share().await,
            Part::Gallery => gallery().await,
            Part::Decision => decision().await,
            Part::TryIt => try_it().await,
            Part::Tests => tests().await,
            Part::Canvas => canvas().await,
            Part::Inspector => inspector().await,
        }?;
        LOADED.with(|loaded| loaded.borrow_mut()[part.index()] = Some(render));
        Ok(render)
    }
}

pub use loader::{load, loaded};

/// Starts fetching a part's chunk without waiting for it (the view the address opens, as
/// early as possible).
pub fn preload(part: Part) {
    if loaded(part).is_none() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = load(part).await;
        });
    }
}

/// Starts fetching the parts the page's address opens, before the app mounts (the saved
/// scenarios are read from IndexedDB meanwhile), so the first view does not wait for the main
/// module and then for its chunks in turn. The app opens the workspace unless a share link
/// names another view (then the view's own [`LazyView`] fetches it on the first render).
pub fn preload_for_address() {
    use iam_engine::share::EmbedView as Shown;
    let parts: &[Part] = if crate::page::is_embed() {
        match Shown::from_param(crate::page::query_param("view").as_deref())
            .unwrap_or(Shown::PolicyAndSimulation)
        {
            Shown::PolicyAndSimulation => &[Part::Workspace, Part::Simulator],
            Shown::Workspace => &[Part::Workspace],
            Shown::Simulate => &[Part::Simulator],
            Shown::Export => &[Part::Export],
            Shown::Findings => &[Part::Findings],
            Shown::Decision => &[Part::Decision],
            Shown::TryIt => &[Part::TryIt],
            Shown::Tests => &[Part::Tests],
            Shown::Canvas => &[Part::Canvas],
        }
    } else if crate::storage::has_link(&crate::page::location_hash()) {
        &[]
    } else {
        &[Part::Workspace]
    };
    for &part in parts {
        preload(part);
    }
    // An embed's shared scenario has entities: the canvas's board is fetched with its view.
    if crate::page::is_embed()
        && parts
            .iter()
            .any(|p| matches!(p, Part::Workspace | Part::Canvas))
    {
        crate::components::workspace::canvas::preload_board();
    }
}

/// Shows a part: at once when its code is here, else a "Loading …" status until its chunk
/// has arrived, or a message with a retry button when it cannot be fetched.
#[component]
pub fn LazyView(props: &LazyProps) -> Html {
    let part = props.part;
    let label = props
        .label
        .clone()
        .unwrap_or(AttrValue::Static(part.label()));
    let shown = use_on_demand(part, loaded(part), move || load(part), label, "");
    use_effect_with(shown.is_ok(), |&shown| {
        if shown {
            crate::split::first_view_shown();
        }
    });
    match shown {
        Ok(render) => render(props),
        Err(status) => status,
    }
}
