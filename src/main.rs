//! Linkwork's entry point: set up panics and logging, mount the app.

fn main() {
    linkwork::start();
}
