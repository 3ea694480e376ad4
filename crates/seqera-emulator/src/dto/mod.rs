//! The wire format: request and response bodies of the Seqera Platform API, named after the
//! official spec's schemas (v1.187.0) with the fields roster and the emulator use.
//!
//! This module owns the shapes only, by area: `orgs` (user, discovery, organizations, members,
//! quotas, roles of users), `roles` (custom roles), `idp` (the IdP group catalogue and SCIM configuration), `teams` and `workspaces` (with participants, studios and labels), and here the
//! error body. Every field is optional on input, so that real responses
//! (which send `null` for unset fields; see `tests/fixtures/seqera-api/recorded/`) and partial
//! requests deserialize; unknown fields are ignored, as the platform's clients must. On output,
//! an unset field is omitted unless the spec marks it `nullable`, in which case it is `null`:
//! that keeps every answer valid against the spec's schemas.

use serde::{Deserialize, Deserializer, Serialize};

/// `ErrorResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub message: String,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

mod idp;
mod orgs;
mod roles;
mod teams;
mod workspaces;

pub use idp::*;
pub use orgs::*;
pub use roles::*;
pub use teams::*;
pub use workspaces::*;
