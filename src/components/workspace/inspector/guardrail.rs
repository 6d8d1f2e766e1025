//! An SCP's or RCP's truth tables under its editor: per action set, the guardrail's verdict
//! alone for every region of the context keys it reads, rows merged to "any" where a value
//! does not matter (the engine's `Workbench::guardrail_tables`). Computed from the scenario's
//! revision; nothing derived is stored.

use iam_engine::catalog::Catalog;
use iam_engine::workbench::guardrail::{GuardrailRef, verdict_words};
use iam_engine::workbench::{CompileCache, Workbench};
use yew::prelude::*;

use crate::components::simulator::result::decision_class;
use crate::data::Loadable;
use crate::store::use_store;

/// Props of [`GuardrailTables`].
#[derive(Properties, PartialEq)]
pub struct GuardrailTablesProps {
    /// Which SCP or RCP.
    pub guardrail: GuardrailRef,
}

/// The truth tables of one guardrail.
#[component]
pub fn GuardrailTables(props: &GuardrailTablesProps) -> Html {
    let store = use_store();
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let catalog = catalog.ready();
    let revision = store.as_ref().map_or(0, |s| s.revision);
    let tables = {
        let scenario = store.as_ref().map(|s| std::rc::Rc::clone(&s.scenario));
        let catalog = catalog.clone();
        use_memo(
            (revision, props.guardrail, catalog.is_some()),
            move |(_, guardrail, _)| {
                let scenario = scenario?;
                let cache = CompileCache::new();
                Workbench::new(&scenario, &cache)
                    .with_catalog(catalog.as_deref())
                    .guardrail_tables(*guardrail)
                    .ok()
            },
        )
    };
    let Some(tables) = tables.as_ref() else {
        return html! {};
    };
    let word = if props.guardrail.scp { "SCP" } else { "RCP" };
    let id = format!(
        "guardrail-{}-{}-{}",
        word.to_ascii_lowercase(),
        props.guardrail.level,
        props.guardrail.index
    );
    let groups = tables.groups.iter().enumerate().map(|(g, group)| {
        let table = &group.table;
        let head = table
            .keys
            .iter()
            .map(|k| html! { <th scope="col"><code>{ k.key.clone() }</code></th> });
        let rows = table.rows.iter().map(|row| {
            let cells = table.keys.iter().zip(&row.cells).map(|(k, cell)| {
                match cell.and_then(|i| k.options.get(i)) {
                    Some(o) => html! { <td>{ o.label.clone() }</td> },
                    None => html! { <td class="any">{ "any" }</td> },
                }
            });
            html! {
                <tr data-decision={row.decision.as_aws_str()}>
                    { for cells }
                    <td><span class={decision_class(row.decision)}>{ verdict_words(row.decision) }</span></td>
                </tr>
            }
        });
        let statements = if group.statements.is_empty() {
            String::new()
        } else {
            format!(" (statements {})", group.statements.join(", "))
        };
        html! {
            <div class="table-scroll" key={g}>
                <table class="truth-table guardrail-table" data-group={g.to_string()}>
                    <caption>
                        <span class="guardrail-actions">{ group.actions.clone() }</span>{ statements }
                        { ": " }<code>{ group.action.clone() }</code>{ " on " }<code>{ group.resource.clone() }</code>
                        if !table.exact {
                            { " (not exact: each key varied alone)" }
                        }
                    </caption>
                    <thead><tr>{ for head }<th scope="col">{ format!("This {word}") }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        }
    });
    html! {
        <section class="guardrail-tables" aria-labelledby={id.clone()} data-testid="guardrail-tables">
            <h5 {id}>{ format!("What this {word} decides") }</h5>
            <p class="muted">{ format!(
                "The {word} alone, for each set of actions its statements name (one action of the set stands for it), under every value of the context keys it reads; \u{201c}any\u{201d}: the value does not matter."
            ) }</p>
            { for tables.notes.iter().map(|n| html! { <p class="muted guardrail-note">{ n.clone() }</p> }) }
            { for groups }
        </section>
    }
}
