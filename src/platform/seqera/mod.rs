//! The Seqera Platform REST client: DTOs, pagination, pacing and retries. It knows nothing of YAML.
