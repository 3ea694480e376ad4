//! `roster emulator`: contract tests against the official spec.
