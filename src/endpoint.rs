//! Which API endpoints may be given a token: https anywhere, plain http only to loopback (a
//! local emulator), because a token sent over plain http to another host travels readable. The
//! config validator and the platform client both apply this one rule.

/// Why an endpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("`{0}` is not a URL: {1}")]
    NotAUrl(String, String),
    #[error(
        "refusing plain http to {0}: the token would travel unencrypted (http is allowed only to loopback)"
    )]
    PlainHttp(String),
    #[error("`{0}`: unsupported URL scheme `{1}`; expected https")]
    Scheme(String, String),
}

/// Parse an endpoint and check that it may carry a token.
pub fn check(endpoint: &str) -> Result<reqwest::Url, EndpointError> {
    let url = reqwest::Url::parse(endpoint)
        .map_err(|e| EndpointError::NotAUrl(endpoint.to_string(), e.to_string()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(EndpointError::PlainHttp(endpoint.to_string())),
        other => Err(EndpointError::Scheme(
            endpoint.to_string(),
            other.to_string(),
        )),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("");
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        assert!(check("https://api.cloud.seqera.io").is_ok());
        assert!(check("http://127.0.0.1:8080/api").is_ok());
        assert!(check("http://[::1]:9/").is_ok());
        assert!(check("http://localhost:9").is_ok());
        assert!(matches!(
            check("http://seqera.example.org/api"),
            Err(EndpointError::PlainHttp(_))
        ));
        assert!(matches!(check("ftp://x"), Err(EndpointError::Scheme(..))));
        assert!(matches!(
            check("not a url"),
            Err(EndpointError::NotAUrl(..))
        ));
    }
}
