//! The contexts through which the workspace's first view shows parts of the inspector that are
//! chunks of the split build: a selected entity's panel, an SCP's or RCP's open editor.

use yew::prelude::*;

/// How the inspector shows a part of itself that is a chunk of the split build, given a `T`:
/// a function of the view that renders the workspace (`components::lazy`), which loads that
/// chunk on demand, provided as a context.
pub struct Slot<T>(pub fn(&T) -> Html);

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot(self.0)
    }
}

impl<T> PartialEq for Slot<T> {
    /// There is one slot function per build and `T`: any two are the same.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
