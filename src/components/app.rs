//! The root component.

use yew::prelude::*;

use super::shell::{Footer, Header};

/// The whole page: header, workspace, footer.
#[component]
pub fn App() -> Html {
    html! {
        <div class="shell">
            <Header />
            <main id="workspace" class="workspace" aria-label="Workspace">
                <section class="empty-state">
                    <h2>{ "Your account is empty" }</h2>
                    <p>{ "Add the root user's settings, IAM users, groups, roles and policies, then ask what each of them can do." }</p>
                </section>
            </main>
            <Footer />
        </div>
    }
}
