//! The browser entry point: Trunk builds this binary to WebAssembly.

fn main() {
    iam_playground_app::start();
}
