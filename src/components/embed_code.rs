//! One piece of embed code in the Share & embed view: a read-only text area, its "Copy" button
//! and the copy's status, which clears when the code changes (a "Copied." would then mislead).

use yew::prelude::*;

/// Props of [`EmbedCode`].
#[derive(Properties, PartialEq)]
pub struct EmbedCodeProps {
    /// The code to paste.
    pub code: AttrValue,
    /// The text area's class (the end-to-end suite reads the code by it).
    pub class: &'static str,
    /// The text area's accessible name.
    pub label: &'static str,
    /// The copy button's words.
    pub button: &'static str,
    /// The copy button's class.
    pub button_class: &'static str,
}

/// The code, a button that copies it, and the copy's status.
#[component]
pub fn EmbedCode(props: &EmbedCodeProps) -> Html {
    let field = use_node_ref();
    let status = use_state(String::new);
    {
        let status = status.clone();
        use_effect_with(props.code.clone(), move |_| status.set(String::new()));
    }
    let on_copy = {
        let code = props.code.to_string();
        let field = field.clone();
        let status = status.clone();
        Callback::from(move |_| {
            crate::clipboard::copy_text(code.clone(), field.clone(), status.clone())
        })
    };
    html! {
        <>
            <textarea class={props.class} readonly=true ref={field} aria-label={props.label}
                rows="4" value={props.code.clone()} />
            <div class="share-row">
                <button type="button" class={classes!("btn", "btn-primary", props.button_class)} onclick={on_copy}>
                    { props.button }
                </button>
                <span class="share-status" role="status">{ (*status).clone() }</span>
            </div>
        </>
    }
}
