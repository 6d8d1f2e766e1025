//! A policy text of the selected entity in the shared policy editor: every keystroke is stored
//! through the engine (one undo step per typing burst), a refused text (over a size quota)
//! stays on screen with the engine's message, and a finding's span arrives as the editor's
//! `jump`.

use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, Target};
use yew::prelude::*;

use super::fields::{Apply, clip};
use crate::components::editor::{PolicyEditor, highlights_in};
use crate::store::{Action, use_store};
use crate::text::sentence_case;

/// Props of [`DocEditor`].
#[derive(Properties, PartialEq)]
pub struct DocEditorProps {
    /// The entity holding the text.
    pub target: Target,
    /// Which of its texts.
    pub document: DocumentRef,
    /// The text as stored.
    pub text: AttrValue,
    /// The grammar.
    pub policy_type: PolicyType,
    /// The editor's accessible name ("Inline policy S3 of user alice").
    pub label: AttrValue,
    /// Stores a new text.
    pub apply: Apply,
}

/// A coalescing key naming one policy text, so typing in it makes one undo step.
pub fn burst_key(target: &Target, document: &DocumentRef) -> String {
    format!("{target:?}/{document:?}")
}

/// One policy text in the policy editor.
#[component]
pub fn DocEditor(props: &DocEditorProps) -> Html {
    let store = use_store();
    // The text the engine refused, with its message; `None` while the stored text is shown.
    let refused = use_state(|| None::<(String, String)>);
    {
        // A change of the stored text (undo, another edit) replaces a refused draft.
        let refused = refused.clone();
        use_effect_with(props.text.clone(), move |_| {
            if refused.is_some() {
                refused.set(None);
            }
        });
    }
    let wrapper = use_node_ref();
    let jump = store.as_ref().and_then(|store| {
        let selection = &store.selection;
        (selection.target.as_ref() == Some(&props.target)
            && selection.document.as_ref() == Some(&props.document))
        .then_some(selection.span)
        .flatten()
    });
    {
        // A jump (a finding clicked) must be seen: open every collapsed section around the
        // editor and scroll it into view; the editor itself selects the span.
        let wrapper = wrapper.clone();
        use_effect_with(jump, move |jump| {
            if jump.is_some()
                && let Some(el) = wrapper.cast::<web_sys::Element>()
            {
                reveal(&el);
            }
        });
    }
    let Some(store) = store else {
        return html! {};
    };
    // The simulator's highlights, recomputed from (revision, request): never stale.
    let answer = crate::components::simulator::use_editor_answer(&store);
    let key = burst_key(&props.target, &props.document);
    let on_change = {
        let (store, refused, apply, label) = (
            store.clone(),
            refused.clone(),
            props.apply.clone(),
            props.label.clone(),
        );
        Callback::from(move |text: String| {
            let result = crate::store::edit_with(
                &store,
                format!("Edit {}", sentence_case(&label)),
                Some(key.clone()),
                |s| (apply.0)(s, &text),
            );
            match result {
                Ok(()) => {
                    if refused.is_some() {
                        refused.set(None);
                    }
                }
                Err(e) => refused.set(Some((text, clip(&e.message)))),
            }
        })
    };
    let on_blur = {
        let store = store.clone();
        Callback::from(move |()| store.dispatch(Action::EndBurst))
    };
    let highlights = highlights_in(answer.highlights(), &props.target, &props.document, None);
    let (text, error) = match &*refused {
        Some((text, message)) => (
            AttrValue::from(text.clone()),
            Some(AttrValue::from(message.clone())),
        ),
        None => (props.text.clone(), None),
    };
    html! {
        <div class="doc-editor" data-document={format!("{:?}", props.document)} ref={wrapper}>
            <PolicyEditor {text} policy_type={props.policy_type} {on_change} {on_blur}
                {highlights} {jump} label={props.label.clone()} {error} />
        </div>
    }
}

/// Opens every `<details>` around `el` and scrolls it into view.
fn reveal(el: &web_sys::Element) {
    let mut next = el.parent_element();
    while let Some(parent) = next {
        let Ok(Some(details)) = parent.closest("details") else {
            break;
        };
        let _ = details.set_attribute("open", "");
        next = details.parent_element();
    }
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}
