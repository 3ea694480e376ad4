//! The integration-test binary: drives the real `roster` binary, and the emulator over HTTP on
//! loopback. One binary keeps link time down; each module covers one command or component.

mod emulator;
mod support;
mod validate;
