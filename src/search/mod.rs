//! Site search: Swedish text processing (`text`), the static, chunked index the
//! client loads with `<script>` elements (`index`), and the A–Ö subject index for the
//! no-JavaScript fallback. The client lives in `themes/default/static/js/sok.js`.

pub mod index;
pub mod text;

pub use index::{
    DocKind, IndexCache, IndexOptions, SearchDoc, Section, SubjectCache, SubjectIndex, SubjectTop,
    build_index, build_index_into, build_index_owned, build_index_with, extract_docs,
    subject_index, subject_index_cached, subject_index_top,
};
