//! Views of one plan: text, Markdown and JSON. Renderers compute no diffs.
