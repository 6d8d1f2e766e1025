//! The AWS-managed policy finder of the canvas: a button, and once opened a picker. The open
//! finder is a chunk of the release build (`canvas_more`, with the path banner), fetched the
//! first time the finder opens: it shares most of its code with the views opened later (the
//! simulator, the inspector), which a first view does not need.

use iam_engine::catalog::ManagedPolicies;
use yew::prelude::*;

use super::ctx::{CanvasCtx, focus_later};
use super::links::CardKey;
use super::options::aws_options;
use super::picker::{PickOption, Picker};
use crate::components::on_demand::use_on_demand;
use crate::data::Loadable;

/// Properties of the AWS-managed policy finder.
#[derive(Properties, PartialEq, Clone)]
pub struct AwsFinderProps {
    /// Whether the finder is open.
    pub open: bool,
    /// Opens it.
    pub on_open: Callback<()>,
    /// Closes it.
    pub on_close: Callback<()>,
    /// Puts a policy (by ARN) on the canvas.
    pub on_pin: Callback<String>,
    /// The AWS-managed policies in use (offered first).
    pub in_use: Vec<String>,
}

/// Finds an AWS-managed policy by name and puts it on the canvas, ready to be dragged.
#[component]
pub fn AwsFinder(props: &AwsFinderProps) -> Html {
    if !props.open {
        let onclick = {
            let on_open = props.on_open.clone();
            Callback::from(move |_| on_open.emit(()))
        };
        return html! {
            <button type="button" class="btn lane-add" data-action="find-aws-policy" {onclick}>
                { "+ Find an AWS-managed policy" }
            </button>
        };
    }
    html! { <OpenFinder ..props.clone() /> }
}

/// Renders the open finder. A plain function pointer: the split build returns it from the
/// chunk.
type Render = fn(&AwsFinderProps) -> Html;

fn render(props: &AwsFinderProps) -> Html {
    html! { <FinderPanel ..props.clone() /> }
}

crate::split::split_point!(canvas_more: fn panel() -> Render { render });

/// The open finder: at once when its code is here, else a short status.
#[component]
fn OpenFinder(props: &AwsFinderProps) -> Html {
    let label = AttrValue::Static("the finder");
    match use_on_demand((), loaded(), load, label, "aws-finder") {
        Ok(render) => render(props),
        Err(status) => status,
    }
}

/// The open finder's picker.
#[component]
fn FinderPanel(props: &AwsFinderProps) -> Html {
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let ctx = use_context::<CanvasCtx>();
    let options = {
        let in_use = props.in_use.clone();
        Callback::from(move |query: String| aws_options(&managed, &query, &[], &in_use))
    };
    let on_pick = {
        let on_pin = props.on_pin.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |option: PickOption| {
            on_close.emit(());
            on_pin.emit(option.value);
        })
    };
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |()| {
            on_close.emit(());
            focus_later("[data-action=\"find-aws-policy\"]".to_owned());
        })
    };
    // A result can be dragged straight onto a user, group or role.
    let on_drag = ctx.map(|ctx| {
        Callback::from(move |option: Option<PickOption>| {
            ctx.on_drag.emit(option.map(|o| CardKey::Aws(o.value)));
        })
    });
    html! {
        <div class="aws-finder">
            <Picker label="Find an AWS-managed policy by name" {options} {on_pick} {on_close} {on_drag}
                empty="No AWS-managed policy has that name." />
            <p class="muted aws-finder-hint">{ "Drag a result onto a user, group or role, or pick it to put it on the canvas." }</p>
        </div>
    }
}
