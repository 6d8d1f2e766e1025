//! The policy with "try it" (`view=try`): one policy's text, with the decision's statements
//! highlighted in it, then a small request form and the decision. The policy is the one the
//! embed's `policy` parameter names, else the one that decides the request.

use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, Scenario, Target};
use iam_engine::share::unknown_policy_message;
use iam_engine::workbench::Answer;
use yew::prelude::*;

use super::request_form::{RequestForm, use_opening_request};
use super::verdict::Verdict;
use crate::components::editor::{PolicyEditor, highlights_in};
use crate::components::simulator::{current_time, use_answer};
use crate::store::use_store;

/// Props of [`TryIt`].
#[derive(Properties, PartialEq)]
pub struct TryItProps {
    /// The policy text's name, from the embed's `policy` parameter.
    #[prop_or_default]
    pub policy: Option<AttrValue>,
}

/// The policy shown: where it lives and its text (the evaluated text, and the one laid out
/// for reading when they differ).
struct ShownPolicy {
    heading: String,
    target: Target,
    document: DocumentRef,
    policy_type: PolicyType,
    text: String,
    laid_out: Option<String>,
}

/// The named policy text, if the scenario has it.
fn named(scenario: &Scenario, name: &str) -> Option<ShownPolicy> {
    scenario.policy_text_named(name).map(|p| ShownPolicy {
        heading: p.name(),
        target: p.target.clone(),
        document: p.document.clone(),
        policy_type: p.policy_type,
        text: p.text.to_owned(),
        laid_out: None,
    })
}

/// The policy that decides the answer, else the first the request runs through, else the
/// scenario's first policy text.
fn deciding(scenario: &Scenario, answer: &Answer) -> Option<ShownPolicy> {
    let from_answer = match answer {
        Answer::Decided(d) => d
            .deciding
            .first()
            .and_then(|s| d.in_play.iter().find(|p| p.source == s.source))
            .or_else(|| d.in_play.first())
            .map(|p| ShownPolicy {
                // The words the verdict line names it with, not the editor's longer heading.
                heading: p.name(),
                target: p.target.clone(),
                document: p.document.clone(),
                policy_type: p.policy_type,
                text: p.text.clone(),
                laid_out: p.laid_out.clone(),
            }),
        _ => None,
    };
    from_answer.or_else(|| {
        scenario
            .policy_texts()
            .first()
            .and_then(|p| named(scenario, &p.name()))
    })
}

/// The most lines the policy shows before its editor scrolls (about 750 px).
const MOST_LINES: usize = 36;

/// The editor's height for `lines` lines: the line height (20 px), its padding (8 px above and
/// below) and border, as `static/css/editor.css` draws them.
fn editor_height(lines: usize) -> String {
    format!("{}px", lines.clamp(4, MOST_LINES) * 20 + 2 * 8 + 2)
}

/// The policy and its "try it" form.
#[component]
pub fn TryIt(props: &TryItProps) -> Html {
    use_opening_request();
    let Some(store) = use_store() else {
        return html! {};
    };
    let now = use_state(current_time);
    let (_, answer) = use_answer(&store, (*now).clone(), 0);
    let asked = props
        .policy
        .as_ref()
        .map(|name| (name, named(&store.scenario, name)));
    let missing = asked
        .as_ref()
        .filter(|(_, found)| found.is_none())
        .map(|(name, _)| unknown_policy_message(name));
    let shown = asked
        .and_then(|(_, found)| found)
        .or_else(|| deciding(&store.scenario, &answer));
    // The page's CSP allows no style attribute, so the height is set through the CSSOM.
    let section = use_node_ref();
    let lines = shown
        .as_ref()
        .map(|p| p.laid_out.as_deref().unwrap_or(&p.text).lines().count());
    {
        let section = section.clone();
        use_effect_with(lines, move |lines| {
            if let (Some(el), Some(lines)) = (section.cast::<web_sys::HtmlElement>(), lines) {
                let _ = el
                    .style()
                    .set_property("--try-height", &editor_height(*lines));
            }
        });
    }
    let policy = shown.map(|p| {
        let layout = p.laid_out.as_deref().map(|shown| (p.text.as_str(), shown));
        let highlights = highlights_in(answer.highlights(), &p.target, &p.document, layout);
        let text = p.laid_out.clone().unwrap_or_else(|| p.text.clone());
        html! {
            <section class="try-policy" aria-labelledby="try-policy-heading" ref={section.clone()}>
                <h3 id="try-policy-heading" class="try-heading">{ p.heading.clone() }</h3>
                <PolicyEditor {text} policy_type={p.policy_type} readonly=true no_validation=true
                    label={p.heading.clone()} {highlights} />
            </section>
        }
    });
    html! {
        <div class="embed-try">
            if let Some(message) = missing {
                <p class="notice notice-warning embed-param-error" role="status">{ message }</p>
            }
            { policy }
            <section class="try-request" aria-labelledby="try-request-heading">
                <h3 id="try-request-heading">{ "Try it" }</h3>
                <RequestForm />
                <Verdict answer={answer} />
            </section>
        </div>
    }
}
