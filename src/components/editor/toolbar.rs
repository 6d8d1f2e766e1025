//! The editor's toolbar: which view is shown (the JSON text, the visual statement editor or
//! both), Format, and the verdict of the validation.

use yew::prelude::*;

/// Which of the two editors is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The JSON text.
    Json,
    /// The visual statement editor.
    Visual,
    /// Both side by side (stacked when the editor is narrow).
    Both,
}

/// Properties of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The view shown.
    pub view: UseStateHandle<View>,
    /// Read-only editors offer neither views nor Format.
    pub readonly: bool,
    /// Formats the document.
    pub on_format: Callback<()>,
    /// The verdict, or `None` for a text that is not validated (AWS's own claims no verdict).
    pub summary: Option<String>,
    /// Whether the text has errors.
    pub has_errors: bool,
}

/// The toolbar above the text.
#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let view = &props.view;
    let show = |target: View| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(target))
    };
    let onformat = {
        let on_format = props.on_format.clone();
        Callback::from(move |_: MouseEvent| on_format.emit(()))
    };
    html! {
        <div class="pe-toolbar">
            if !props.readonly {
                <div class="pe-views" role="group" aria-label="Editor view">
                    { for [(View::Json, "JSON"), (View::Visual, "Visual"), (View::Both, "Both")].into_iter().map(|(v, name)| html! {
                        <button type="button" class={classes!("btn", "btn-quiet", (**view == v).then_some("current"), (v == View::Both).then_some("pe-both"))}
                            aria-pressed={(**view == v).to_string()} onclick={show(v)}
                            title={(v == View::Both).then_some("The visual editor beside the JSON text")}>{ name }</button>
                    }) }
                </div>
                <button type="button" class="btn btn-quiet pe-format" onclick={onformat}
                    title="Format document (Shift+Alt+F)" aria-keyshortcuts="Shift+Alt+F">{ "Format" }</button>
            }
            if let Some(summary) = &props.summary {
                <span class={classes!("pe-summary", props.has_errors.then_some("has-errors"))} aria-live="polite">
                    { summary.clone() }
                </span>
            }
        </div>
    }
}
