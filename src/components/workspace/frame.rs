//! What the canvas's two renderings share. An account with nothing but its root user (every
//! first visit) is drawn by the canvas itself (`canvas::EmptyCanvas`), with the first view's
//! code; an account with entities by the board (`board`), which the release build fetches once
//! the first view has rendered (the links, the windowed lanes, search and grouping are its).
//! Both draw the same frame from these pieces: the legend and the status line, the lanes'
//! sections with their add buttons, and the board under them. The state a reader can start in
//! one and finish in the other (the lane whose add form is open, the AWS-managed policies put
//! on the canvas, the status line) is the canvas's, [`CanvasState`], handed to both.

use std::rc::Rc;

use iam_engine::scenario::Scenario;
use yew::prelude::*;

use super::add_form::AddForm;
use super::aws_finder::AwsFinder;
use super::lanes::Lane;
use super::links::CardKey;

/// The canvas's state that outlives a switch between its two renderings (see the module docs).
#[derive(Clone, PartialEq)]
pub struct CanvasState {
    /// The lane whose add form is open.
    pub adding: UseStateHandle<Option<Lane>>,
    /// The AWS-managed policies the finder put on the canvas (by ARN) that nothing uses yet.
    pub pinned: UseStateHandle<Vec<String>>,
    /// What the status line says.
    pub status: UseStateHandle<String>,
}

/// Properties of a rendering of the canvas.
#[derive(Properties, PartialEq, Clone)]
pub struct CanvasStateProps {
    /// The canvas's state.
    pub state: CanvasState,
}

/// The canvas's state, held by the canvas.
#[hook]
pub fn use_canvas_state() -> CanvasState {
    CanvasState {
        adding: use_state(|| None::<Lane>),
        pinned: use_state(Vec::<String>::new),
        status: use_state(String::new),
    }
}

/// Whether the account has nothing to draw but its root user.
pub fn is_empty_account(scenario: &Scenario) -> bool {
    scenario.users.is_empty()
        && scenario.groups.is_empty()
        && scenario.roles.is_empty()
        && scenario.policies.is_empty()
        && scenario.resources.is_empty()
        && scenario.organization.is_none()
}

/// The legend and the status line. `path`: an escalation path is drawn; `changed`: cards carry
/// what the comparison found.
pub fn head(status: &str, path: bool, changed: bool) -> Html {
    html! {
        <div class="canvas-head">
            <p class="canvas-legend muted">
                <span class="legend-item legend-member">{ "solid line: member of group" }</span>
                <span class="legend-item legend-attached">{ "dashed: policy attached" }</span>
                <span class="legend-item legend-boundary">{ "dotted: permissions boundary" }</span>
                if path {
                    <span class="legend-item legend-hop">{ "red dashes: a hop of the path to admin" }</span>
                }
                if changed {
                    <span class="legend-item legend-change">{ "Access +N −M: what changes since the version Compare compares with" }</span>
                }
            </p>
            <p class="canvas-status" role="status" aria-live="polite">{ status.to_owned() }</p>
        </div>
    }
}

/// A lane: its heading with `count`, its `cards`, what it says when it shows none
/// (`empty_text`), and its add button (`add`).
pub fn lane_section(
    lane: Lane,
    count: String,
    cards: Html,
    empty_text: Option<String>,
    add: Html,
) -> Html {
    let heading_id = format!("lane-{}-title", lane.id());
    html! {
        <section class={classes!("lane", format!("lane-{}", lane.id()))} data-lane={lane.id()}
            aria-labelledby={heading_id.clone()}>
            <h2 id={heading_id} class="lane-title">
                { lane.title() }<span class="lane-count">{ count }</span>
            </h2>
            { cards }
            if let Some(text) = empty_text {
                <p class="lane-empty muted">{ text }</p>
            }
            { add }
        </section>
    }
}

/// A lane's add button and form, or for the AWS-managed lane the finder, which puts the policy
/// it finds on the canvas (`in_use`: the policies attached somewhere) and gives it the focus.
pub fn add_control(
    lane: Lane,
    state: &CanvasState,
    in_use: &Rc<Vec<String>>,
    announce: &Callback<String>,
    focus_card: &Callback<CardKey>,
) -> Html {
    let open = *state.adding == Some(lane);
    let on_open = {
        let adding = state.adding.clone();
        Callback::from(move |()| adding.set(Some(lane)))
    };
    let on_close = {
        let adding = state.adding.clone();
        Callback::from(move |()| adding.set(None))
    };
    if lane != Lane::Aws {
        return html! { <AddForm {lane} {open} {on_open} {on_close} announce={announce.clone()} /> };
    }
    let on_pin = {
        let pinned = state.pinned.clone();
        let in_use = Rc::clone(in_use);
        let announce = announce.clone();
        let focus_card = focus_card.clone();
        Callback::from(move |arn: String| {
            let name = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
            if !in_use.contains(&arn) && !pinned.contains(&arn) {
                let mut next = (*pinned).clone();
                next.push(arn.clone());
                pinned.set(next);
            }
            announce.emit(format!(
                "{name} is on the canvas: drag it onto a user, group or role, or use its Attach to… button."
            ));
            focus_card.emit(CardKey::Aws(arn));
        })
    };
    html! { <AwsFinder {open} {on_open} {on_close} {on_pin} in_use={(**in_use).clone()} /> }
}

/// The board under the lanes' heads: the links layer (`paths`), the account strip (`strip`:
/// the root user's card and the organization's) and the lanes.
pub fn board(class: Classes, node_ref: NodeRef, paths: Html, strip: Html, lanes: Html) -> Html {
    html! {
        <div class={classes!("canvas-board", class)} ref={node_ref}>
            <svg class="links-layer" aria-hidden="true" focusable="false">
                { paths }
            </svg>
            <section class="account-strip" aria-label="Account">{ strip }</section>
            <div class="lanes">{ lanes }</div>
        </div>
    }
}
