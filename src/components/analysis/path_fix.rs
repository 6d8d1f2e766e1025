//! A path's smallest fix: the edit in words, what else it takes away, and "Apply fix", which
//! applies it as one undoable edit; the analysis then follows the new revision and the path is
//! gone from it.

use std::rc::Rc;

use yew::prelude::*;

use super::decided::Decided;
use crate::analysis::account::FixState;
use crate::analysis::protocol::PathData;
use crate::store::{Action, Notice, NoticeLevel, edit, use_store};
use crate::text::capitalise;

/// Props of [`PathFix`].
#[derive(Properties, PartialEq)]
pub struct PathFixProps {
    /// The path.
    pub path: Rc<PathData>,
    /// Its fix.
    pub fix: FixState,
    /// Whether the analysis is about the scenario as it is (a fix of an older revision is
    /// never applied).
    pub current: bool,
}

/// The fix.
#[component]
pub fn PathFix(props: &PathFixProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let body = match &props.fix {
        FixState::Pending => html! { <p class="muted">{ "Looking for the smallest fix…" }</p> },
        FixState::Skipped => html! {
            <p class="muted">{ "Not computed: the analysis of this account takes long, and each candidate fix is checked with a whole analysis. Fix it by hand, or use the command line's escalation --fix." }</p>
        },
        FixState::NoneFound => html! {
            <p class="muted">{ "No single edit of one policy breaks this path: change the policies of its hops by hand." }</p>
        },
        FixState::Found(fix) => {
            let summary = capitalise(&fix.summary);
            let onclick = {
                let fix = Rc::clone(fix);
                let label = format!(
                    "Fix the path to admin of {}: {}",
                    props.path.principal, fix.summary
                );
                Callback::from(move |_| {
                    if let Err(e) = edit(&store, label.clone(), |s| fix.edit.apply(s)) {
                        store.dispatch(Action::SetNotice(Some(Notice {
                            details: None,
                            level: NoticeLevel::Error,
                            text: e.message,
                        })));
                    }
                })
            };
            html! {
                <>
                    <p class="path-fix-summary">{ format!("{summary}.") }</p>
                    <p class="muted">{ "Verified: the analysis of the edited scenario no longer finds this path." }</p>
                    if fix.removes.is_empty() {
                        <p class="path-fix-removes">{ "It removes no other access of the scenario's principals to its resources." }</p>
                    } else {
                        <p class="path-fix-removes">{ "It also removes:" }</p>
                        <ul class="path-fix-removed">
                            { for fix.removes.iter().map(|r| html! {
                                <li><Decided request={Rc::new(r.clone())} current={props.current} /></li>
                            }) }
                        </ul>
                    }
                    <button type="button" class="btn btn-primary" data-action="apply-path-fix" {onclick}
                        disabled={!props.current} title={summary.clone()}
                        aria-label={format!("Apply the fix: {summary}")}>{ "Apply fix" }</button>
                </>
            }
        }
    };
    html! {
        <div class="path-fix">
            <h5>{ "Smallest fix" }</h5>
            { body }
        </div>
    }
}
