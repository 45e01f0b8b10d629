//! The book's own helper crate, used by its listings.
pub fn greeting() -> &'static str {
    "hello from the book"
}
