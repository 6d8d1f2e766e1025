//! The answer when the request leaves context keys open: under which of their values it is
//! allowed, as the engine's sentence and truth table, with each side's witness one click away
//! from being the simulator's request.

use std::rc::Rc;

use iam_engine::workbench::conditional::ConditionalAnswer;
use iam_engine::workbench::request::ContextOverride;
use yew::prelude::*;

use super::result::{decision_class, decision_label};
use crate::store::{Action, RequestState, use_store};

/// Props of [`ConditionalResult`].
#[derive(Properties, PartialEq)]
pub struct ConditionalResultProps {
    /// The engine's conditional answer.
    pub answer: Rc<ConditionalAnswer>,
}

/// The sentence, the truth table and the witnesses.
#[component]
pub fn ConditionalResult(props: &ConditionalResultProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let answer = &props.answer;
    let table = &answer.table;
    let apply = |overrides: Vec<ContextOverride>| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            let mut context = store.request.context.clone();
            context.extend(overrides.iter().cloned());
            store.dispatch(Action::SetRequest(RequestState {
                context,
                ..store.request.clone()
            }));
        })
    };
    let witness_button = |label: &str, action: &str, witness: &Option<Vec<_>>| {
        witness.as_ref().map(|w| {
            let onclick = apply(answer.witness_overrides(w));
            html! {
                <button type="button" class="btn btn-quiet" data-action={action.to_string()} {onclick}>{ label.to_string() }</button>
            }
        })
    };
    let head = table
        .keys
        .iter()
        .map(|k| html! { <th scope="col"><code>{ k.key.clone() }</code></th> });
    let rows = table.rows.iter().map(|row| {
        let cells = table.keys.iter().zip(&row.cells).map(|(k, cell)| {
            let text = match cell.and_then(|i| k.options.get(i)) {
                Some(o) => o.label.clone(),
                None => "any".to_string(),
            };
            html! { <td class={classes!(cell.is_none().then_some("any"))}>{ text }</td> }
        });
        html! {
            <tr data-decision={row.decision.as_aws_str()}>
                { for cells }
                <td><span class={decision_class(row.decision)}>{ decision_label(row.decision) }</span></td>
            </tr>
        }
    });
    html! {
        <section class="conditional-answer" aria-label="The answer under the open context keys">
            <h4>{ "Depends on context keys the request leaves open" }</h4>
            <p class="conditional-sentence" data-testid="conditional">{ answer.sentence.clone() }</p>
            <div class="conditional-witnesses">
                { witness_button("Use allowed values", "use-allowed-values", &answer.allowed_witness).unwrap_or_default() }
                { witness_button("Use refused values", "use-refused-values", &answer.refused_witness).unwrap_or_default() }
            </div>
            <details>
                <summary>{ format!("Truth table ({} rows)", table.rows.len()) }</summary>
                <div class="table-scroll">
                    <table class="truth-table">
                        <thead><tr>{ for head }<th scope="col">{ "Decision" }</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
