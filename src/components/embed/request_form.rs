//! The compact request form of the embeds (and of the share view, where the author picks the
//! embed's request): principal, action and resource. It changes the simulator's request in
//! the store, never the scenario, so it works in a read-only embed.

use iam_engine::workbench::request::principal_choices;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::store::{Action, RequestState, StoreHandle, use_store};

/// Sets the simulator's opening request ([`RequestState::opening`]) when nothing has been
/// asked yet, as the simulator does: an embed whose link carries no request still answers one.
#[hook]
pub fn use_opening_request() {
    let store = use_store();
    use_effect_with((), move |_| {
        if let Some(store) = store
            && store.request.is_unset()
        {
            store.dispatch(Action::SetRequest(RequestState::opening(&store.scenario)));
        }
    });
}

/// The store's request, or the opening one while nothing has been asked.
fn current_request(store: &StoreHandle) -> RequestState {
    if store.request.is_unset() {
        RequestState::opening(&store.scenario)
    } else {
        store.request.clone()
    }
}

/// The request's principal in words ("user alice"), as the principal picker names it.
pub fn principal_words(store: &StoreHandle) -> String {
    let principal = &store.request.principal;
    principal_choices(&store.scenario, principal)
        .into_iter()
        .find(|c| c.value == *principal)
        .map_or_else(|| principal.clone(), |c| c.label)
}

/// The form: three fields in a row (stacked on a phone).
#[component]
pub fn RequestForm() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    // Until something is asked, the form shows (and edits) the request the simulator opens
    // with, which is also the one an embed starts with.
    let request = current_request(&store);
    let principals = principal_choices(&store.scenario, &request.principal);
    let update = {
        let store = store.clone();
        move |f: fn(&mut RequestState, String)| {
            let store = store.clone();
            move |value: String| {
                let mut r = current_request(&store);
                f(&mut r, value);
                store.dispatch(Action::SetRequest(r));
            }
        }
    };
    let on_principal = {
        let set = update(|r, v| r.principal = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_action = {
        let set = update(|r, v| r.action = v);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_resource = {
        let set = update(|r, v| r.resource = v);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // A select keeps the option last picked even when its `selected` attributes change, so the
    // request's principal is also set as its property after each render.
    let select = use_node_ref();
    {
        let select = select.clone();
        let principal = request.principal.clone();
        use_effect(move || {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(&principal);
            }
        });
    }
    html! {
        <form class="embed-request" aria-label="Request"
            onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label>
                <span>{ "Principal" }</span>
                <select name="principal" onchange={on_principal} ref={select}>
                    { for principals.iter().map(|c| html! {
                        <option value={c.value.clone()} selected={c.value == request.principal}>{ c.label.clone() }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ "Action" }</span>
                <input name="action" type="text" spellcheck="false" autocomplete="off"
                    value={request.action.clone()} oninput={on_action} placeholder="s3:GetObject" />
            </label>
            <label>
                <span>{ "Resource" }</span>
                <input name="resource" type="text" spellcheck="false" autocomplete="off"
                    value={request.resource.clone()} oninput={on_resource}
                    placeholder="arn:aws:s3:::bucket/key or *" />
            </label>
        </form>
    }
}
