//! The current user (docs/seqera-api.md section 6.1): who the token belongs to.
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use super::dto::*;
use super::error::ApiError;
use super::transport::Client;

impl Client {
    /// operationId `UserInfo`: `GET /user-info`.
    pub async fn user_info(&self) -> Result<UserDto, ApiError> {
        let r: DescribeUserResponse = self.get("UserInfo", "/user-info", &[]).await?;
        Ok(r.user)
    }
}
