//! "Find a root-only task": a search box over the engine's root-only tasks, found by the words
//! people use ("root password", "close the account"), each result a button that asks about it.

use iam_engine::root_tasks::search_root_tasks;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`RootTaskSearch`].
#[derive(Properties, PartialEq)]
pub struct RootTaskSearchProps {
    /// Called with the id of the task the user picks.
    pub on_pick: Callback<&'static str>,
}

/// The search box and, once something is typed, the tasks it finds.
#[component]
pub fn RootTaskSearch(props: &RootTaskSearchProps) -> Html {
    let query = use_state(String::new);
    let on_input = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let found = if query.trim().is_empty() {
        Vec::new()
    } else {
        search_root_tasks(&query)
    };
    let results = found.iter().map(|task| {
        let on_pick = props.on_pick.clone();
        let query = query.clone();
        let id = task.id;
        let onclick = Callback::from(move |_: MouseEvent| {
            on_pick.emit(id);
            query.set(String::new());
        });
        html! {
            <li><button type="button" class="btn btn-quiet" data-task={id} {onclick}>{ task.title }</button></li>
        }
    });
    html! {
        <div class="root-task-search wide">
            <label>
                <span>{ "Find a root-only task" }</span>
                <input name="root-task-search" type="search" spellcheck="false" autocomplete="off"
                    value={(*query).clone()} oninput={on_input}
                    placeholder="root password, root MFA, close the account…" />
            </label>
            if !query.trim().is_empty() {
                if found.is_empty() {
                    <p class="muted" role="status">{ "No root-only task matches those words." }</p>
                } else {
                    <ul class="root-task-results" aria-label="Root-only tasks found">{ for results }</ul>
                }
            }
        </div>
    }
}
