//! The current user (docs/seqera-api.md section 6.1): who the token belongs to, and what the
//! platform says of itself.
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use super::dto::*;
use super::error::ApiError;
use super::transport::Client;

impl Client {
    /// operationId `Info`: `GET /service-info` (which needs no token; roster's client sends it
    /// anyway): the platform's version, and whether it is Seqera Cloud.
    pub async fn service_info(&self) -> Result<ServiceInfo, ApiError> {
        let r: ServiceInfoResponse = self.get("Info", "/service-info", &[]).await?;
        Ok(r.service_info)
    }

    /// operationId `UserInfo`: `GET /user-info`.
    pub async fn user_info(&self) -> Result<UserDto, ApiError> {
        let r: DescribeUserResponse = self.get("UserInfo", "/user-info", &[]).await?;
        Ok(r.user)
    }
}
