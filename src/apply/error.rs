//! The errors of an apply and their kinds.
//!
//! This file owns [`ApplyError`] (what can go wrong while executing one change or opening the
//! audit log) and [`ErrorKind`] (the machine-readable sort of a failure, kept in
//! [`Outcome::Failed`](super::Outcome::Failed) and the audit log). It must not decide what to do
//! about an error (retrying, skipping): the scheduler and the reconciler do.
//!
//! The mapping from the client's [`ApiError`] to a kind is the one small function
//! [`api_error_kind`], so that it can be replaced by the client's own kind when it has one.

use std::path::PathBuf;

use serde::Serialize;

use crate::plan::Address;
use crate::platform::seqera::{ApiError, ApiErrorKind};

/// What sort of failure a change met: the client's error kinds, then the apply's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// 401: the token was rejected.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 409, not settled by a re-read.
    Conflict,
    /// 400: the platform rejected the request.
    BadRequest,
    /// Another HTTP status.
    Status,
    /// The outcome of a create stayed unknown after every attempt.
    Unsure,
    /// The platform could not be reached.
    Transport,
    /// The platform answered something the client cannot read.
    Decode,
    /// An id this apply should have created is unknown (the change creating it did not run).
    Unresolved,
    /// The acting user is not where the plan expects it (e.g. not a participant of a workspace
    /// it created).
    ActingUserMissing,
    /// No connection to the change's platform.
    NoConnection,
    /// A saved plan is applied without an override it was made with.
    OverridesMissing,
    /// A bug: the change's task panicked.
    Internal,
    /// The run was interrupted before the call was sent.
    Cancelled,
    /// The change targets an object outside the declared scope (refused, never sent).
    OutOfScope,
    /// A user who is not an organization member cannot be added as a collaborator: the
    /// organization has active single sign-on (409).
    CollaboratorNotPermitted,
    /// The platform adds only users who already have an account, and this one has none (400).
    NoAccount,
}

/// The kind of a client error, as the client classifies it.
pub fn api_error_kind(e: &ApiError) -> ErrorKind {
    match e.kind() {
        ApiErrorKind::Unauthorized => ErrorKind::Unauthorized,
        ApiErrorKind::Forbidden => ErrorKind::Forbidden,
        ApiErrorKind::NotFound => ErrorKind::NotFound,
        ApiErrorKind::Conflict => ErrorKind::Conflict,
        ApiErrorKind::BadRequest => ErrorKind::BadRequest,
        ApiErrorKind::Status => ErrorKind::Status,
        ApiErrorKind::Unsure => ErrorKind::Unsure,
        ApiErrorKind::Transport => ErrorKind::Transport,
        ApiErrorKind::Decode => ErrorKind::Decode,
        ApiErrorKind::Cancelled => ErrorKind::Cancelled,
    }
}

/// What can go wrong in an apply, below the command line.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A platform call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A change refers to an object that an earlier change of this apply should have created.
    #[error("the id of {0}, which this apply should have created, is unknown")]
    Unresolved(Address),
    #[error("the acting user is not a participant of the new workspace")]
    NotAParticipant,
    #[error("no connection to platform {0}")]
    NoConnection(String),
    #[error("internal error while applying: {0}")]
    Internal(String),
    /// The change targets something outside the declared scope; nothing was sent.
    #[error("refused: the change targets {0}, which is outside the declared scope")]
    OutOfScope(String),
    /// A collaborator refused because the organization has active single sign-on.
    #[error(
        "cannot add {user} to workspace {org}/{workspace}: organization {org} has single sign-on active, which permits no collaborators (CreateWorkspaceParticipant answered 409: {message}); make {user} an organization member first (list them in the organization's `members`), or remove the participant"
    )]
    CollaboratorNotPermitted {
        user: String,
        org: String,
        workspace: String,
        message: String,
    },
    /// A user the platform does not know, on a platform that adds only existing accounts.
    #[error(
        "{user} has no account on {endpoint} yet ({operation} answered 400: {message}); this platform adds only users who already have an account: ask them to log in once, then apply again"
    )]
    NoAccount {
        user: String,
        endpoint: String,
        operation: &'static str,
        message: String,
    },
    /// A saved plan relied on overrides not given again (the flags, in order).
    #[error(
        "the plan was made with {} to override guard rails; apply it with the same flag{}",
        .0.join(" "),
        if .0.len() == 1 { "" } else { "s" }
    )]
    OverridesMissing(Vec<String>),
    #[error("opening audit log {}", path.display())]
    AuditLog {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ApplyError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApplyError::Api(e) => api_error_kind(e),
            ApplyError::Unresolved(_) => ErrorKind::Unresolved,
            ApplyError::NotAParticipant => ErrorKind::ActingUserMissing,
            ApplyError::NoConnection(_) => ErrorKind::NoConnection,
            ApplyError::OverridesMissing(_) => ErrorKind::OverridesMissing,
            ApplyError::OutOfScope(_) => ErrorKind::OutOfScope,
            ApplyError::CollaboratorNotPermitted { .. } => ErrorKind::CollaboratorNotPermitted,
            ApplyError::NoAccount { .. } => ErrorKind::NoAccount,
            ApplyError::Internal(_) | ApplyError::AuditLog { .. } => ErrorKind::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_keep_their_kind_and_message() {
        let e = ApiError::BadRequest {
            operation: "CreateWorkspaceParticipant",
            path: "/orgs/1/workspaces/2/participants/add".into(),
            message: "Unknown role".into(),
        };
        let text = e.to_string();
        let a = ApplyError::from(e);
        assert_eq!(a.kind(), ErrorKind::BadRequest);
        assert_eq!(
            a.to_string(),
            text,
            "the message is the client's, unchanged"
        );
        let unsure = ApiError::Unsure {
            operation: "CreateOrganization",
            path: "/orgs".into(),
            cause: "HTTP 503".into(),
        };
        assert_eq!(api_error_kind(&unsure), ErrorKind::Unsure);
    }

    #[test]
    fn missing_overrides_are_named_with_the_right_plural() {
        let one = ApplyError::OverridesMissing(vec!["--allow-destroy".into()]);
        assert_eq!(
            one.to_string(),
            "the plan was made with --allow-destroy to override guard rails; apply it with the same flag"
        );
        let two = ApplyError::OverridesMissing(vec!["--a".into(), "--b".into()]);
        assert!(
            two.to_string()
                .ends_with("with --a --b to override guard rails; apply it with the same flags")
        );
    }

    #[test]
    fn kinds_serialize_in_kebab_case() {
        assert_eq!(
            serde_json::to_value(ErrorKind::NotFound).unwrap(),
            "not-found"
        );
        assert_eq!(
            serde_json::to_value(ErrorKind::ActingUserMissing).unwrap(),
            "acting-user-missing"
        );
    }
}
