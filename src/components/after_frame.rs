//! Work put off until the browser has drawn the next frame.
//!
//! A zero timeout set while a view mounts runs before the browser has laid that view out, so
//! whatever it renders, and any layout it reads, is laid out together with the whole view in
//! one task. [`after_next_frame`] waits for the next animation frame (where the browser lays
//! out and paints what is there) and then for a task of its own after it.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// Work waiting for the next frame; dropping it cancels the work.
pub struct AfterFrame {
    _frame: AnimationFrame,
    timeout: Rc<RefCell<Option<Timeout>>>,
}

impl Drop for AfterFrame {
    fn drop(&mut self) {
        if let Some(timeout) = self.timeout.borrow_mut().take() {
            timeout.cancel();
        }
    }
}

/// Runs `f` in a task of its own after the browser's next frame.
pub fn after_next_frame(f: impl FnOnce() + 'static) -> AfterFrame {
    let timeout = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&timeout);
    let frame = request_animation_frame(move |_| {
        *slot.borrow_mut() = Some(Timeout::new(0, f));
    });
    AfterFrame {
        _frame: frame,
        timeout,
    }
}

/// Props of [`Deferred`].
#[derive(Properties, PartialEq)]
pub struct DeferredProps {
    /// What is rendered once the browser has drawn the rest.
    pub children: Html,
    /// What stands for it until then (nothing by default).
    #[prop_or_default]
    pub fallback: Html,
}

/// Renders its children from the task after the browser's next frame on, not in the task that
/// mounts it, with `fallback` meanwhile: a part of a view that is long to build (the Simulator's
/// policies in play and its access matrix on a real account) then does not lengthen the task
/// that shows the view. Once shown, it follows its props at once.
#[component]
pub fn Deferred(props: &DeferredProps) -> Html {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            let later = after_next_frame(move || ready.set(true));
            move || drop(later)
        });
    }
    if *ready {
        props.children.clone()
    } else {
        props.fallback.clone()
    }
}
